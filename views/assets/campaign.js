// The campaign and thank-you pages without a reload: an amount button fills the form in, the currency brings
// that currency's buttons, the share address copies. Everything works without this file, by links and forms.
(function () {
  'use strict';

  function choose(button) {
    var choice = button.closest('#amount-choice');
    var amount = document.getElementById('amount');
    if (!choice || !amount) return;
    amount.value = button.getAttribute('data-amount');
    choice.querySelectorAll('.amount-button').forEach(function (other) {
      if (other === button) other.setAttribute('aria-current', 'true');
      else other.removeAttribute('aria-current');
    });
    var impact = document.getElementById('chosen-impact');
    var said = button.getAttribute('data-impact');
    if (impact && said) impact.textContent = said;
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.amount-button');
    if (button) {
      event.preventDefault();
      choose(button);
      return;
    }
    var copy = event.target.closest && event.target.closest('[data-copy]');
    if (copy) {
      var field = document.getElementById(copy.getAttribute('data-copy'));
      if (!field || !navigator.clipboard) return;
      navigator.clipboard.writeText(field.value).then(function () {
        copy.textContent = copy.getAttribute('data-copied');
      });
    }
  });

  // Another currency: the page for it has its buttons; only they are taken, so what was typed stays.
  document.addEventListener('change', function (event) {
    if (event.target.id !== 'currency') return;
    var choice = document.getElementById('amount-choice');
    if (!choice) return;
    var slug = choice.getAttribute('data-campaign');
    var currency = event.target.value;
    // In the page's own language: a form sent back with errors speaks the one it was filled in.
    var lang = document.documentElement.lang;
    fetch('/campaigns/' + encodeURIComponent(slug) + '?currency=' + encodeURIComponent(currency) + (lang ? '&lang=' + encodeURIComponent(lang) : ''), { headers: { Accept: 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        // Each part is always there, if empty, so a currency without buttons can switch to one with them.
        choice.querySelectorAll('[data-currency-part]').forEach(function (now) {
          var then = fresh.querySelector('#amount-choice [data-currency-part="' + now.getAttribute('data-currency-part') + '"]');
          if (then) now.replaceWith(document.importNode(then, true));
        });
        // What the donor typed stays: the answer can arrive after they have typed an amount.
      })
      .catch(function () { /* The links below the field still switch the currency. */ });
  });

  document.querySelectorAll('[data-copy]').forEach(function (button) {
    if (navigator.clipboard) button.hidden = false;
  });
})();
