/** The Tenure mark. */
export function Logo({ size = 24 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#4c6ef5" />
      <path d="M9 10h14v3h-5.5v11h-3V13H9z" fill="#fff" />
    </svg>
  );
}
