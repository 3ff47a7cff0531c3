/** How the bench scripts print: a line, a count with thousands separators, milliseconds as seconds. */
export const say = (s: string): void => console.log(s)
export const fmt = (n: number): string => n.toLocaleString('en-US')
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
