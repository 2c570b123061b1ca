/**
 * Remembers the latest patient card posted in each conversation, so that a typed change can
 * redraw it instead of posting the whole card again. In memory and bounded: after a restart, or
 * on another instance, a typed change just answers with its confirmation line.
 */
export class PostedCards {
  private readonly ids = new Map<string, string>();

  constructor(private readonly max = 2000) {}

  remember(conversationId: string, patientId: string, activityId: string): void {
    const key = `${conversationId}\n${patientId}`;
    this.ids.delete(key);
    this.ids.set(key, activityId);
    if (this.ids.size > this.max) this.ids.delete(this.ids.keys().next().value as string);
  }

  find(conversationId: string, patientId: string): string | undefined {
    return this.ids.get(`${conversationId}\n${patientId}`);
  }
}
