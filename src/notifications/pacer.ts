/**
 * Teams' per-conversation limits for bots (product brief): 7 messages a second, 8 in 2 s,
 * 60 in 30 s, 1,800 an hour. The pacer keeps each conversation under all of them and honours
 * a Retry-After that Teams gave anyway.
 */
export const TEAMS_CONVERSATION_LIMITS: ReadonlyArray<readonly [windowMs: number, max: number]> = [
  [1_000, 7],
  [2_000, 8],
  [30_000, 60],
  [3_600_000, 1_800],
];

export class ConversationPacer {
  private readonly sent = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(private readonly limits = TEAMS_CONVERSATION_LIMITS) {}

  /** 0 and the send is counted, or how many ms to wait before asking again. */
  reserve(key: string, now: number): number {
    const blocked = this.blockedUntil.get(key) ?? 0;
    if (blocked > now) return blocked - now;
    const longest = Math.max(...this.limits.map(([window]) => window));
    const times = (this.sent.get(key) ?? []).filter((t) => t > now - longest);
    let wait = 0;
    for (const [window, max] of this.limits) {
      const inWindow = times.filter((t) => t > now - window);
      if (inWindow.length >= max) wait = Math.max(wait, inWindow[inWindow.length - max]! + window - now + 1);
    }
    if (wait === 0) times.push(now);
    this.sent.set(key, times);
    return wait;
  }

  block(key: string, until: number): void {
    this.blockedUntil.set(key, Math.max(until, this.blockedUntil.get(key) ?? 0));
  }
}
