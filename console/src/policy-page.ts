import { type Api, ApiError } from './api.js';
import { announce, debounce, h, replace } from './dom.js';
import type { PageContext } from './main.js';
import { PRESETS } from './presets.js';
import { bestUnit, describeDuration, UNITS, type UnitId, unitSeconds } from './units.js';

type Value = number | string | boolean;
type Policy = Record<string, Value>;

interface FieldSchema {
  type?: string;
  minimum?: number;
  maximum?: number;
  description?: string;
  anyOf?: { const?: string; enum?: string[] }[];
  enum?: string[];
  $ref?: string;
  properties?: Record<string, FieldSchema>;
}
interface Impact {
  sessionsEnded: number;
  usersAffected: number;
  byReason: { expired: number; idle_timeout: number };
  endsCallersSession: boolean;
  activeSessions: number;
}
interface Organization {
  id: string;
  name: string;
}
interface OrgPolicy extends Policy {
  organizationId: string;
  // biome-ignore lint/suspicious/noExplicitAny: the override is a partial policy
  override: any;
}

const LABELS: Record<string, string> = {
  maxLifetimeSeconds: 'Absolute lifetime',
  idleTimeoutSeconds: 'Idle timeout',
  userSessionLimit: 'Sessions per user (role user)',
  adminSessionLimit: 'Sessions per user (role admin)',
  onLimit: 'Beyond the limit',
  allowPersistentSessions: 'Allow "remember me" sessions',
  trackLocation: 'Track location (IP, device, country)',
  maxFailedPasswordAttempts: 'Wrong passwords before a lock',
  lockoutSeconds: 'Lock lasts',
};
const CHOICES: Record<string, string> = { evict_oldest: 'End the oldest session', deny_new: 'Refuse the new sign-in' };

/** The schema of the policy, read from the OpenAPI document: the console validates with the API's own rules. */
async function policySchema(api: Api): Promise<Record<string, FieldSchema>> {
  const doc = await api.call<{
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: FieldSchema }> } }>>;
    components?: { schemas?: Record<string, FieldSchema> };
  }>('GET', '/openapi.json', undefined, { background: true });
  let s = doc.paths['/v1/policy']?.put?.requestBody?.content['application/json']?.schema;
  if (s?.$ref) s = doc.components?.schemas?.[s.$ref.split('/').pop() as string];
  if (!s?.properties) throw new Error('the OpenAPI document has no policy schema');
  return s.properties;
}

/** The first problem with a value under its schema, or null: the same bounds the API checks. */
function problem(f: FieldSchema, v: Value): string | null {
  if (f.type === 'integer') {
    if (typeof v !== 'number' || !Number.isFinite(v)) return 'Enter a number.';
    if (!Number.isInteger(v)) return 'Enter a whole number of seconds (or pick a smaller unit).';
    if (f.minimum !== undefined && v < f.minimum) return `At least ${f.minimum}.`;
    if (f.maximum !== undefined && v > f.maximum) return `At most ${f.maximum.toLocaleString()}.`;
  }
  return null;
}

/** The instance policy or an organization's override: edit with units, presets, inline checks and an impact preview before saving. */
export async function policyPage(ctx: PageContext, orgId?: string): Promise<void> {
  const scopedOrg = ctx.me.organizationId;
  const org = scopedOrg ?? orgId ?? null;
  const [schema, orgs] = await Promise.all([policySchema(ctx.api), ctx.api.call<{ items: Organization[] }>('GET', '/organizations')]);
  const fields = Object.keys(schema);
  const instance = await ctx.api.call<Policy>('GET', '/policy');
  const orgPolicy = org ? await ctx.api.call<OrgPolicy>('GET', `/organizations/${encodeURIComponent(org)}/policy`) : null;
  const saved: Policy = org ? { ...instance, ...(orgPolicy?.override ?? {}) } : { ...instance };
  const values: Policy = { ...saved };
  const overridden = new Set<string>(Object.keys(orgPolicy?.override ?? {}));
  const errors = new Map<string, string>();

  const scope = h(
    'select',
    { id: 'scope' },
    scopedOrg ? null : h('option', { value: '' }, 'Instance policy (all organizations)'),
    orgs.items.map((o) => h('option', { value: o.id, selected: o.id === org }, `Organization: ${o.name} (${o.id})`)),
  );
  scope.addEventListener('change', () => {
    location.hash = scope.value ? `#/policy/${encodeURIComponent(scope.value)}` : '#/policy';
  });

  const impactBox = h('div', { class: 'impact', id: 'impact', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Save');
  const inputs = new Map<string, { row: HTMLElement; sync: () => void; error: HTMLElement; control: HTMLElement }>();

  const savedOverride: Policy = orgPolicy?.override ?? {};
  const changedFields = () =>
    org
      ? fields.filter((f) => overridden.has(f) !== f in savedOverride || (overridden.has(f) && values[f] !== savedOverride[f]))
      : fields.filter((f) => values[f] !== saved[f]);
  const body = () => (org ? Object.fromEntries([...overridden].map((f) => [f, values[f]])) : Object.fromEntries(changedFields().map((f) => [f, values[f]])));

  const showErrors = () => {
    for (const [f, el] of inputs) {
      const msg = errors.get(f) ?? '';
      el.error.textContent = msg;
      el.row.classList.toggle('invalid', msg !== '');
      for (const c of el.control.querySelectorAll('input, select')) c.setAttribute('aria-invalid', msg ? 'true' : 'false');
    }
  };

  const preview = debounce(async () => {
    const changed = changedFields();
    if (errors.size > 0) {
      replace(impactBox, h('p', { class: 'error' }, 'Fix the marked fields to see what saving would do.'));
      save.disabled = true;
      return;
    }
    if (changed.length === 0) {
      replace(impactBox, h('p', { class: 'hint' }, 'No changes.'));
      save.disabled = true;
      return;
    }
    replace(impactBox, h('p', { class: 'hint' }, 'Checking what this change would do…'));
    try {
      const path = org ? `/organizations/${encodeURIComponent(org)}/policy/preview` : '/policy/preview';
      const i = await ctx.api.call<Impact>('POST', path, body(), { query: org ? { replace: true } : {} });
      replace(impactBox, describeImpact(i));
      save.disabled = false;
    } catch (e) {
      // The request schema answers invalid_argument, the core's policy rules policy_invalid: both name fields.
      if (e instanceof ApiError && (e.code === 'invalid_argument' || e.code === 'policy_invalid') && e.details.length > 0) {
        for (const d of e.details) errors.set(d.field.replace(/^\//, '').split(/[./]/)[0] as string, d.message);
        showErrors();
        replace(impactBox, h('p', { class: 'error' }, e.message));
      } else replace(impactBox, h('p', { class: 'error' }, e instanceof Error ? e.message : String(e)));
      save.disabled = true;
    }
  }, 350);

  const changed = () => {
    errors.clear();
    for (const f of fields) {
      if (org && !overridden.has(f)) continue;
      const p = problem(schema[f] as FieldSchema, values[f] as Value);
      if (p) errors.set(f, p);
    }
    showErrors();
    preview();
  };

  const form = h('form', { class: 'policy', novalidate: true });
  for (const f of fields) {
    const s = schema[f] as FieldSchema;
    const id = `f-${f}`;
    const error = h('p', { class: 'field-error', id: `${id}-error` });
    const help = h('p', { class: 'hint', id: `${id}-help` }, s.description ?? '');
    const describedBy = `${id}-help ${id}-error`;
    let control: HTMLElement;
    let sync: () => void;
    if (f.endsWith('Seconds')) {
      const num = h('input', { id, type: 'number', min: 0, step: 'any', inputmode: 'decimal', 'aria-describedby': describedBy });
      const unit = h(
        'select',
        { 'aria-label': `${LABELS[f] ?? f}: unit` },
        UNITS.map((u) => h('option', { value: u.id }, u.label)),
      );
      sync = () => {
        const b = bestUnit(values[f] as number);
        num.value = String(b.value);
        unit.value = b.unit;
      };
      const read = () => {
        values[f] = num.value.trim() === '' ? Number.NaN : Number(num.value) * unitSeconds(unit.value as UnitId);
        changed();
      };
      num.addEventListener('input', read);
      unit.addEventListener('change', read);
      control = h('span', { class: 'duration' }, num, unit);
    } else if (s.type === 'integer') {
      const num = h('input', {
        id,
        type: 'number',
        min: s.minimum ?? 0,
        max: s.maximum ?? null,
        step: 1,
        inputmode: 'numeric',
        'aria-describedby': describedBy,
      });
      sync = () => {
        num.value = String(values[f]);
      };
      num.addEventListener('input', () => {
        values[f] = num.value.trim() === '' ? Number.NaN : Number(num.value);
        changed();
      });
      control = num;
    } else if (s.type === 'boolean') {
      const box = h('input', { id, type: 'checkbox', 'aria-describedby': describedBy });
      sync = () => {
        box.checked = values[f] === true;
      };
      box.addEventListener('change', () => {
        values[f] = box.checked;
        changed();
      });
      control = box;
    } else {
      const options = s.enum ?? (s.anyOf ?? []).flatMap((a) => a.enum ?? (a.const === undefined ? [] : [a.const]));
      const sel = h(
        'select',
        { id, 'aria-describedby': describedBy },
        options.map((o) => h('option', { value: o }, CHOICES[o] ?? o)),
      );
      sync = () => {
        sel.value = String(values[f]);
      };
      sel.addEventListener('change', () => {
        values[f] = sel.value;
        changed();
      });
      control = sel;
    }
    const row = h('div', { class: 'field' });
    const label = h('label', { for: id }, LABELS[f] ?? f);
    if (org) {
      const own = h('input', { type: 'checkbox', id: `${id}-own`, checked: overridden.has(f) });
      const setEnabled = () => {
        for (const c of control.querySelectorAll('input, select')) (c as HTMLInputElement).disabled = !own.checked;
        if (control instanceof HTMLInputElement || control instanceof HTMLSelectElement) control.disabled = !own.checked;
        row.classList.toggle('inherited', !own.checked);
      };
      own.addEventListener('change', () => {
        if (own.checked) overridden.add(f);
        else {
          overridden.delete(f);
          values[f] = instance[f] as Value;
          sync();
        }
        setEnabled();
        changed();
      });
      row.append(
        label,
        h('div', { class: 'control' }, control, h('span', { class: 'own' }, own, h('label', { for: `${id}-own` }, 'Override for this organization'))),
        help,
        error,
      );
      sync();
      setEnabled();
    } else {
      row.append(label, h('div', { class: 'control' }, control), help, error);
      sync();
    }
    inputs.set(f, { row, sync, error, control });
    form.append(row);
  }

  const presets = h(
    'section',
    { class: 'presets', 'aria-labelledby': 'presets-h' },
    h('h2', { id: 'presets-h' }, 'Presets'),
    h('p', { class: 'hint' }, 'A preset fills in only the fields its source speaks to; check the preview, then save.'),
    h(
      'ul',
      {},
      PRESETS.map((p) => {
        const b = h('button', { type: 'button', 'aria-describedby': `preset-${p.id}` }, p.name);
        b.addEventListener('click', () => {
          for (const [f, v] of Object.entries(p.fields)) {
            if (!(f in schema)) continue;
            values[f] = v;
            if (org) {
              overridden.add(f);
              const own = document.getElementById(`f-${f}-own`) as HTMLInputElement | null;
              if (own && !own.checked) {
                own.checked = true;
                own.dispatchEvent(new Event('change'));
                values[f] = v;
              }
            }
            inputs.get(f)?.sync();
          }
          changed();
          announce(`Preset ${p.name} applied; not saved yet.`);
        });
        return h(
          'li',
          {},
          b,
          h('p', { class: 'hint', id: `preset-${p.id}` }, p.source, ' ', h('a', { href: p.url, rel: 'noreferrer', target: '_blank' }, 'source')),
        );
      }),
    ),
  );

  const reset = org
    ? h(
        'button',
        { type: 'button', class: 'danger', disabled: Object.keys(orgPolicy?.override ?? {}).length === 0 },
        'Remove override (follow the instance policy)',
      )
    : null;
  reset?.addEventListener('click', async () => {
    if (!window.confirm(`Remove the override of ${org}? It will follow the instance policy.`)) return;
    reset.disabled = true;
    try {
      await ctx.api.call('DELETE', `/organizations/${encodeURIComponent(org as string)}/policy`);
    } catch (e) {
      const message = `The override was not removed: ${e instanceof Error ? e.message : String(e)}`;
      replace(impactBox, h('p', { class: 'error', role: 'alert' }, message));
      announce(message, 'error');
      reset.disabled = false;
      return;
    }
    announce('Override removed.');
    await policyPage(ctx, org ?? undefined);
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (errors.size > 0 || save.disabled) return;
    save.disabled = true;
    try {
      if (org) await ctx.api.call('PUT', `/organizations/${encodeURIComponent(org)}/policy`, body());
      else await ctx.api.call('PATCH', '/policy', body());
      announce('Policy saved. It is in force now on every node.');
      await policyPage(ctx, org ?? undefined);
    } catch (e) {
      replace(impactBox, h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e)));
      save.disabled = false;
    }
  });
  form.append(h('div', { class: 'actions' }, impactBox, h('div', { class: 'buttons' }, save, reset)));

  replace(
    ctx.main,
    h('h1', {}, org ? `Policy of organization ${org}` : 'Instance policy'),
    h('div', { class: 'scope' }, h('label', { for: 'scope' }, 'Policy of'), scope),
    h('p', { class: 'hint' }, summary(org ? { ...instance, ...(orgPolicy?.override ?? {}) } : instance)),
    h('div', { class: 'policy-layout' }, form, presets),
  );
  replace(impactBox, h('p', { class: 'hint' }, 'No changes.'));
}

function summary(p: Policy): string {
  return `In force: sessions last at most ${describeDuration(p.maxLifetimeSeconds as number)}, end after ${describeDuration(p.idleTimeoutSeconds as number)} idle${p.idleTimeoutSeconds === 0 ? ' (no idle timeout)' : ''}.`;
}

function describeImpact(i: Impact): HTMLElement {
  if (i.sessionsEnded === 0) {
    return h(
      'p',
      { class: 'ok-text' },
      `Saving ends no active session now (of ${i.activeSessions.toLocaleString()} active). Session limits and "remember me" apply from the next sign-in.`,
    );
  }
  const why = [
    i.byReason.expired ? `${i.byReason.expired} past the new lifetime` : '',
    i.byReason.idle_timeout ? `${i.byReason.idle_timeout} idle longer than the new timeout` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'warn-text' },
      h(
        'strong',
        {},
        `Saving ends ${i.sessionsEnded.toLocaleString()} active session${i.sessionsEnded === 1 ? '' : 's'} of ${i.usersAffected.toLocaleString()} user${i.usersAffected === 1 ? '' : 's'} now`,
      ),
      ` (${why}), of ${i.activeSessions.toLocaleString()} active.`,
    ),
    i.endsCallersSession ? h('p', { class: 'error' }, 'Your own console session is among them: saving signs you out.') : null,
  );
}
