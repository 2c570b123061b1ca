import { actionsOf } from './botHarness';
import { cardSizeBytes, validateCard } from './cardSchema';

/**
 * What every card must be, as one list of problems (empty when it holds): valid Adaptive Card 1.5,
 * under 28 KB, every Action.Execute with an Action.Submit fallback carrying the same title, verb and
 * data (Teams mobile), and no template expression left unexpanded.
 */
export function cardContractProblems(card: object): string[] {
  const problems = validateCard(card);
  const size = cardSizeBytes(card);
  if (size >= 28 * 1024) problems.push(`${size} bytes, over 28 KB`);
  for (const action of actionsOf(card).filter((a) => a.type === 'Action.Execute')) {
    const fallback = action.fallback;
    const same = fallback?.type === 'Action.Submit' && fallback.title === action.title && JSON.stringify(fallback.data) === JSON.stringify(action.data);
    if (!same) problems.push(`"${action.title}" has no matching Action.Submit fallback`);
    if (action.data?.verb !== action.verb) problems.push(`"${action.title}" carries another verb in its data`);
  }
  if (/\$\{|\$data|\$when/.test(JSON.stringify(card))) problems.push('a template expression is left unexpanded');
  return problems;
}
