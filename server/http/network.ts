// The network a request comes from, as the per-network brakes count it. An IPv4 address is one
// household or office; one IPv6 customer is handed a whole /64 and can change address within it at
// will, so a brake that counted IPv6 addresses one by one would never engage.
import { isIPv4, isIPv6 } from 'node:net';

function ipv6Prefix(address: string): string {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}

/** `req.ip` as a network: the IPv4 address itself (mapped IPv6 included), an IPv6 address's /64. */
export function networkOf(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (isIPv4(ip)) return ip;
  return isIPv6(ip) ? ipv6Prefix(ip.split('%')[0]!.toLowerCase()) : 'unknown';
}
