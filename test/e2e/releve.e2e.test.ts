import { playgroundSuite } from './support/session';

/**
 * La relève in the Playground: Benoît makes the night's changes; Alice, coming on shift, asks for
 * her relève, reads it on a phone-width screen, urgent patient first, and acknowledges it.
 */
describe('la relève in the Playground', () => {
  const session = playgroundSuite();

  it('lists another member’s changes, urgent first, and shows who acknowledged', async () => {
    const steps: Array<[string, string]> = [
      ['ajouter patient Calme Relève', 'Patient #1 ajouté.'],
      ['ajouter patient Rose Relève-Urgente', 'Patient #2 ajouté.'],
      ['modifier chambre #1 3B-12', 'Patient #1 modifié.'],
      ['signaler #2 urgent Chute ce matin', 'Patient #2 signalé'],
    ];
    for (const [text, answer] of steps) {
      const before = await session.ui.messages();
      await session.ui.sendMessageAs('Benoît', text, { locale: 'fr-CA' });
      await session.ui.waitForBotMessage({ after: before, withCard: true, contains: answer });
    }

    const releve = await session.ui.askBot('relève', { withCard: true, contains: 'Relève · depuis' });
    await session.ui.setPhoneViewport();
    expect(releve.text).toContain('4 changements, 2 patients');
    expect(releve.text).toMatch(/#2 · Rose Relève-Urgente[\s\S]*#1 · Calme Relève · 3B-12/);
    expect(releve.text).toContain('Nouveau · Signalé URGENT : Chute ce matin');
    expect(releve.text).toContain('Nouveau · Chambre / unité : 3B-12');
    expect(releve.text).toContain('Par Benoît Gagnon (méd.)');
    await session.ui.screenshot('releve-phone');

    await session.ui.tapCardButton('Pris connaissance', { message: releve });
    const taken = await session.ui.waitForBotMessage({ contains: /Pris connaissance : Alice Tremblay \(inf\.\)/ });
    expect(taken.text).toContain('#2 · Rose Relève-Urgente');
    await session.ui.screenshot('releve-acknowledged');
    await session.ui.setDesktopViewport();
    await session.ui.askBot('relève', { withCard: true, contains: 'Rien de nouveau depuis' });
  }, 180_000);
});
