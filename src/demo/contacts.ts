import type { ContactRole } from '../accounts/contact/model.js';
import { SEGMENT_PROFILE } from './catalog.js';
import type { Firm } from './layout.js';
import { contactCrmId, emailLocal, personName, TITLES } from './names.js';
import { rngFor, type Rng } from './random.js';
import type { DemoDrivers } from './signals.js';

export interface ContactPlan {
  key: string;
  name: string;
  email: string;
  title: string;
  roles: ContactRole[];
  externalId: string;
  /** Champion number (1 = the first) when this contact is a champion. */
  champion: number | null;
}

/** People at one account: the buying team at the start, and champions named later. */
export class People {
  readonly initial: ContactPlan[] = [];
  private readonly byChampion = new Map<number, ContactPlan>();
  private readonly names = new Set<string>();
  private n = 0;
  private readonly rng: Rng;

  constructor(
    private readonly seed: number,
    private readonly firm: Firm,
    drivers: DemoDrivers,
  ) {
    this.rng = rngFor(seed, 'people', firm.index);
    const selfServe = firm.segment === 'self_serve';
    const wanted: (keyof typeof TITLES & ContactRole)[] = [];
    if (drivers.hasChampion) wanted.push('champion');
    if (!selfServe) wanted.push('economic_buyer');
    if (drivers.executiveSponsor) wanted.push('executive_sponsor');
    if (firm.segment === 'enterprise' || firm.segment === 'mid_market' || this.rng.chance(0.5)) {
      if (!selfServe) wanted.push('technical_lead');
    }
    const [lo, hi] = SEGMENT_PROFILE[firm.segment].contacts;
    const total = Math.max(this.rng.int(lo, hi), wanted.length);
    for (const role of wanted) this.initial.push(this.person([role], role));
    for (let i = this.initial.length; i < total; i++) {
      const power = i === wanted.length || this.rng.chance(0.4);
      this.initial.push(this.person(power ? ['power_user'] : [], power ? 'power_user' : 'user'));
    }
    // Low-NPS accounts usually have a named detractor; a few healthy ones do too.
    if (drivers.npsTendency < 6 ? this.rng.chance(0.7) : this.rng.chance(0.05)) {
      const candidates = this.initial.filter(
        (c) => !c.roles.includes('champion') && !c.roles.includes('executive_sponsor'),
      );
      const who = candidates.length
        ? this.rng.pick(candidates)
        : this.pushed(this.person([], 'user'));
      who.roles.push('detractor');
    }
  }

  private pushed(c: ContactPlan): ContactPlan {
    this.initial.push(c);
    return c;
  }

  private person(roles: ContactRole[], titleOf: keyof typeof TITLES): ContactPlan {
    let name = personName(this.rng);
    for (let i = 0; this.names.has(name) && i < 20; i++) name = personName(this.rng);
    if (this.names.has(name)) name = `${name} ${this.n}`;
    this.names.add(name);
    const n = this.n++;
    const champion = roles.includes('champion') ? this.byChampion.size + 1 : null;
    const c: ContactPlan = {
      key: `c${n}`,
      name,
      email: `${emailLocal(name)}@${this.firm.domain}`,
      title: this.rng.pick(TITLES[titleOf]),
      roles,
      externalId: contactCrmId(this.seed, this.firm.index, n),
      champion,
    };
    if (champion !== null) this.byChampion.set(champion, c);
    return c;
  }

  /** The contact who is champion number `k`, created when first asked for. */
  champion(k: number): { contact: ContactPlan; created: boolean } {
    const existing = this.byChampion.get(k);
    if (existing) return { contact: existing, created: false };
    const c = this.person(['champion'], 'champion');
    this.byChampion.delete(c.champion ?? 0);
    c.champion = k;
    this.byChampion.set(k, c);
    return { contact: c, created: true };
  }
}
