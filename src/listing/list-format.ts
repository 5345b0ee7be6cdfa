// LIST's arguments: the `ls` flags clients send by habit (the lines themselves: line-format.ts).

/**
 * LIST arguments often carry `ls` flags (`-a`, `-l`, `-la`) that clients send by habit. Returns the
 * path part with the flags removed, and whether hidden entries were asked for.
 */
export function parseListArgument(arg: string): { path: string; all: boolean } {
  let rest = arg.trim();
  let all = false;
  while (/^-[A-Za-z]+(\s|$)/.test(rest)) {
    const flag = rest.match(/^-[A-Za-z]+/)![0];
    if (flag.includes('a') || flag.includes('A')) all = true;
    rest = rest.slice(flag.length).trimStart();
  }
  return { path: rest, all };
}
