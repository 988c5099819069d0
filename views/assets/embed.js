// The donate widget's live numbers: every so often, fetch the widget page again and swap in its progress.
// Without JavaScript the page's <noscript> meta refresh reloads it instead.
(function () {
  'use strict';
  var main = document.querySelector('[data-refresh-seconds]');
  var seconds = main ? Number(main.getAttribute('data-refresh-seconds')) : 0;
  if (!seconds || !window.fetch || !window.DOMParser) return;

  function refresh() {
    if (document.hidden) return;
    fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-live-progress]');
        var current = document.querySelector('[data-live-progress]');
        if (fresh && current && fresh.innerHTML !== current.innerHTML) current.replaceWith(document.importNode(fresh, true));
      })
      .catch(function () { /* the numbers stay as they were until the next try */ });
  }

  window.setInterval(refresh, seconds * 1000);
})();
