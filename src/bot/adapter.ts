import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';

/** What jsonwebtoken throws for a token signed by another key, malformed or not yet valid. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * The Teams adapter, able to authenticate a request on its own, so that the HTTP edge checks the
 * token before the activity: the SDK checks the activity first (a 500 on one without a type), and
 * answers 500 to a token signed by another key (jsonwebtoken's error is not an AuthenticationError).
 */
export class BotAdapter extends TeamsAdapter {
  /** True when the Bot Framework accepts the request's token (always, when authentication is off). */
  async authenticates(activity: Partial<Activity>, authHeader: string): Promise<boolean> {
    try {
      await this.botFrameworkAuthentication.authenticateRequest(activity as Activity, authHeader);
      return true;
    } catch (error) {
      if (error instanceof AuthenticationError || (error instanceof Error && TOKEN_ERRORS.has(error.name))) return false;
      throw error;
    }
  }
}
