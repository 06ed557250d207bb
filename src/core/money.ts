/** Money is integer minor units plus an ISO 4217 currency; never floats in storage. */
export interface Money {
  amountMinor: number;
  currency: string;
}

/** Minor-unit exponent for currencies that are not 2-decimal. */
const EXPONENT: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  CLP: 0,
  ISK: 0,
  VND: 0,
  HUF: 2,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
};

export function currencyExponent(currency: string): number {
  return EXPONENT[currency] ?? 2;
}

/**
 * Parse a human amount ("1,234.50", "1.234,50", "$99", "€ 12") into minor units exactly,
 * without going through a float. Returns null when the text is not an amount.
 */
export function parseAmountToMinor(text: string, currency: string): number | null {
  let s = text
    .trim()
    .replace(/^[A-Z]{3}\s*/, '')
    .replace(/\s*[A-Z]{3}$/, '');
  s = s.replace(/[$€£¥₹\s]/g, '').replace(/\u00a0/g, '');
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  }
  if (!/^[0-9][0-9.,']*$/.test(s) && !/^[.,][0-9]+$/.test(s)) return null;
  s = s.replace(/'/g, '');
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let intPart: string;
  let fracPart = '';
  if (lastDot >= 0 && lastComma >= 0) {
    const dec = lastDot > lastComma ? '.' : ',';
    const thousands = dec === '.' ? ',' : '.';
    const [i, f = ''] = s.split(dec);
    intPart = (i ?? '').split(thousands).join('');
    fracPart = f;
    if (s.split(dec).length > 2) return null;
  } else if (lastComma >= 0 || lastDot >= 0) {
    const sep = lastComma >= 0 ? ',' : '.';
    const parts = s.split(sep);
    // "1,234" and "1,234,567" are thousands; "12,5" and "12.50" are decimals.
    const threeDecimals = sep === '.' && currencyExponent(currency) === 3;
    if (
      parts.length > 2 ||
      (parts[1]?.length === 3 && parts[0] !== '0' && parts[0] !== '' && !threeDecimals)
    ) {
      if (!parts.slice(1).every((p) => p.length === 3)) return null;
      intPart = parts.join('');
    } else {
      intPart = parts[0] ?? '';
      fracPart = parts[1] ?? '';
    }
  } else {
    intPart = s;
  }
  if (!/^[0-9]*$/.test(intPart) || !/^[0-9]*$/.test(fracPart)) return null;
  const exp = currencyExponent(currency);
  if (fracPart.length > exp) {
    // Refuse to silently round away cents.
    if (!/^0*$/.test(fracPart.slice(exp))) return null;
    fracPart = fracPart.slice(0, exp);
  }
  const digits = (intPart || '0') + fracPart.padEnd(exp, '0');
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) return null;
  return negative ? -value : value;
}

/** Format minor units as a plain decimal string, e.g. 123456 USD → "1234.56". */
export function formatMinor(amountMinor: number, currency: string): string {
  const exp = currencyExponent(currency);
  if (exp === 0) return String(amountMinor);
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  const s = String(abs).padStart(exp + 1, '0');
  return `${sign}${s.slice(0, -exp)}.${s.slice(-exp)}`;
}
