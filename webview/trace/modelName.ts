/**
 * Models are named in traces by what the host knows: a catalog title, an API model name, or a
 * model folder's path ("local /…/models/toy-big" for a local large model). The legend and the
 * hover card show a short name; the full one goes to a tooltip or a line of its own.
 */
export function shortModelName(name: string): string {
  const path = name.replace(/^local\s+/, '');
  if (!/[/\\]/.test(path)) return name;
  const parts = path.split(/[/\\]+/).filter((p) => p.length > 0);
  return parts.at(-1) ?? name;
}
