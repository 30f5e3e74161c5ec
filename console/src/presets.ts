/**
 * Policy presets from published guidance. Each sets only the fields its source speaks to; the
 * rest of the policy stays as it is. Values in seconds, as the API takes them.
 */
export interface Preset {
  id: string;
  name: string;
  source: string;
  url: string;
  fields: Record<string, number | string | boolean>;
}

export const PRESETS: Preset[] = [
  {
    id: 'nist-aal2',
    name: 'NIST AAL2',
    source: 'NIST SP 800-63B-4, AAL2 reauthentication at least every 24 hours, after at most 1 hour of inactivity',
    url: 'https://pages.nist.gov/800-63-4/sp800-63b.html',
    fields: { maxLifetimeSeconds: 86_400, idleTimeoutSeconds: 3_600 },
  },
  {
    id: 'nist-aal3',
    name: 'NIST AAL3',
    source: 'NIST SP 800-63B-4, AAL3 reauthentication at least every 12 hours, after at most 15 minutes of inactivity',
    url: 'https://pages.nist.gov/800-63-4/sp800-63b.html',
    fields: { maxLifetimeSeconds: 43_200, idleTimeoutSeconds: 900 },
  },
  {
    id: 'pci-dss',
    name: 'PCI DSS v4.0',
    source: 'PCI DSS v4.0 Req. 8.2.8: re-authenticate after 15 minutes idle; 8.3.4: lock after at most 10 invalid attempts, for at least 30 minutes',
    url: 'https://www.pcisecuritystandards.org/document_library/',
    fields: { idleTimeoutSeconds: 900, maxFailedPasswordAttempts: 10, lockoutSeconds: 1_800 },
  },
  {
    id: 'owasp-high',
    name: 'OWASP (high-value app)',
    source: 'OWASP Session Management Cheat Sheet: idle timeout of 2–5 minutes for high-value applications; absolute timeout of 4–8 hours',
    url: 'https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html',
    fields: { idleTimeoutSeconds: 300, maxLifetimeSeconds: 14_400 },
  },
  {
    id: 'owasp-low',
    name: 'OWASP (low-risk app)',
    source: 'OWASP Session Management Cheat Sheet: idle timeout of 15–30 minutes for low-risk applications; absolute timeout of 4–8 hours',
    url: 'https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html',
    fields: { idleTimeoutSeconds: 1_800, maxLifetimeSeconds: 28_800 },
  },
];
