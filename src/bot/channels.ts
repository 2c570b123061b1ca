import type { AlertRepository, ChannelAddress } from '../domain/ports';

/** Remembers, per team, the channel where the bot was last used: that is where alerts go. */
export class ChannelBook {
  private readonly known = new Map<string, string>();

  constructor(private readonly repo: Pick<AlertRepository, 'saveChannel'>) {}

  async remember(teamId: string, address: ChannelAddress): Promise<void> {
    const key = JSON.stringify(address.conversation);
    if (this.known.get(teamId) === key) return;
    await this.repo.saveChannel(teamId, address);
    this.known.set(teamId, key);
  }
}
