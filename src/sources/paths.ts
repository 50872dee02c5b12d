/** `/`-separated paths of a listing (pure string work: sources never touch node:path). */

export function normalisePath(name: string): string {
  return name.replace(/\\/g, '/');
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i > 0 ? path.slice(0, i) : i === 0 ? '/' : '';
}

export function basename(path: string): string {
  const p = path.replace(/\/+$/, '');
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

export function isUnder(path: string, dir: string): boolean {
  return dir === '' ? true : path.startsWith(`${dir}/`);
}

export function relTo(path: string, dir: string): string {
  return dir === '' ? path : path.slice(dir.length + 1);
}

export function join(dir: string, rel: string): string {
  if (rel === '') return dir;
  if (dir === '') return rel;
  return /[\\/]$/.test(dir) ? `${dir}${rel}` : `${dir}/${rel}`;
}

