/** Request headers written as an object, in order: `headerList({ Host: 'h', Cookie: 'a=1' })`. */
import type { Header } from '../../src/exchange/exchange.js';

export function headerList(headers: Record<string, string>): Header[] {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}
