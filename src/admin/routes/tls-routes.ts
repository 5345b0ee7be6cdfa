// The TLS/SSL page: switches and settings (POST /tls), paste a certificate and key (POST
// /tls/certificate), generate a self-signed certificate (POST /tls/generate). Each is checked before
// anything is applied; the new certificate goes to new connections, open sessions keep theirs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isFerryError } from '../../errors/ferry-error.js';
import { generateSelfSignedCertificate, KEY_TYPES, type KeyType } from '../../tls/certificate-generate.js';
import { actor, bodyOf, csrfToken, doneNotice, sendPage, type AdminContext } from '../admin-context.js';
import { certificateErrors } from '../certificate-errors.js';
import type { SaveOutcome } from '../config-editor.js';
import { changesFromForm, formString, type ConfigChange } from '../form-values.js';
import { switchesToMode, TLS_SETTINGS_KEYS } from '../tls-fields.js';
import { tlsStatus } from '../tls-status.js';
import { tlsPage, type FormState, type TlsPageData } from '../views/tls-page.js';

const DONE = {
  saved: 'TLS settings saved and applied to new connections.',
  certificate: 'Certificate checked and in use for new connections. Open sessions keep the certificate they started with.',
  generated: 'New self-signed certificate generated and in use for new connections. Open sessions keep the previous one.',
  unchanged: 'Nothing changed.',
};

/** A pasted PEM with Windows line ends or surrounding blanks, tidied; undefined when empty. */
function pem(text: string | undefined): string | undefined {
  const t = (text ?? '').replace(/\r\n?/g, '\n').trim();
  return t ? `${t}\n` : undefined;
}

export function registerTlsRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { running } = ctx;

  async function show(req: FastifyRequest, reply: FastifyReply, forms: Pick<TlsPageData, 'settings' | 'paste' | 'generate'> = {}, status = 200) {
    const csrf = csrfToken(req, reply);
    const config = await ctx.editor.read().catch(() => running.server.currentConfig);
    const data: TlsPageData = { csrf, config, status: await tlsStatus(config, running.loaded.baseDir, running.paths.tlsDir), ...forms };
    const failed = status >= 400 ? { kind: 'error' as const, text: 'Not saved: correct the marked fields. Nothing was changed.' } : doneNotice(req, DONE);
    return sendPage(req, reply, csrf, { title: 'TLS/SSL', path: '/tls', notice: failed, body: tlsPage(data) }, status);
  }

  async function saved(req: FastifyRequest, reply: FastifyReply, action: string, outcome: Extract<SaveOutcome, { ok: true }>, done: keyof typeof DONE) {
    if (outcome.changes.length === 0) return reply.redirect('/tls?done=unchanged', 303);
    await ctx.audit.append({ ...actor(req), action, changes: outcome.changes });
    await ctx.refreshTls();
    return reply.redirect(`/tls?done=${done}`, 303);
  }

  const checkCertificate = (next: Parameters<typeof certificateErrors>[0]) => certificateErrors(next, running.loaded.baseDir);

  app.get('/tls', async (req, reply) => show(req, reply));

  app.post('/tls', async (req, reply) => {
    const body = bodyOf(req);
    const on = formString(body, 'tls.enabled') === 'on';
    const only = formString(body, 'tls.only') === 'on';
    const changes: ConfigChange[] = [{ key: 'tls.mode', value: switchesToMode(on, only) }, ...changesFromForm(body, TLS_SETTINGS_KEYS)];
    const outcome = await ctx.editor.save(changes);
    if (outcome.ok) return saved(req, reply, 'tls.settings', outcome, 'saved');
    const values: Record<string, unknown> = { 'tls.enabled': on, 'tls.only': only, ...Object.fromEntries(changes.map((c) => [c.key, c.value ?? ''])) };
    return show(req, reply, { settings: { values, fieldErrors: outcome.fields, general: outcome.general } }, 400);
  });

  app.post('/tls/certificate', async (req, reply) => {
    const body = bodyOf(req);
    const cert = pem(formString(body, 'tls.cert'));
    const key = pem(formString(body, 'tls.key'));
    const passphrase = formString(body, 'tls.passphrase') || undefined;
    const state: FormState = { values: { 'tls.cert': cert ?? '' }, fieldErrors: {}, general: [] };
    const current = await ctx.editor.read();
    if (!cert) state.fieldErrors['tls.cert'] = 'Paste the certificate chain (PEM text from "-----BEGIN CERTIFICATE-----" to the last END line).';
    if (!key && !current.tls.key && !current.tls.keyFile) state.fieldErrors['tls.key'] = 'Paste the private key as well: no key is configured that could be kept.';
    if (Object.keys(state.fieldErrors).length > 0) return show(req, reply, { paste: state }, 400);
    const changes: ConfigChange[] = [
      { key: 'tls.cert', value: cert },
      { key: 'tls.certFile', value: undefined },
      ...(key
        ? [{ key: 'tls.key', value: key }, { key: 'tls.keyFile', value: undefined }, { key: 'tls.passphrase', value: passphrase }]
        : passphrase
          ? [{ key: 'tls.passphrase', value: passphrase }]
          : []),
    ];
    const outcome = await ctx.editor.save(changes, { check: checkCertificate });
    if (outcome.ok) return saved(req, reply, 'tls.certificate', outcome, 'certificate');
    return show(req, reply, { paste: { ...state, fieldErrors: outcome.fields, general: outcome.general } }, 400);
  });

  app.post('/tls/generate', async (req, reply) => {
    const body = bodyOf(req);
    const commonName = (formString(body, 'commonName') ?? '').trim();
    const sanText = (formString(body, 'subjectAltNames') ?? '').trim();
    const keyType = formString(body, 'keyType') ?? 'ec-p256';
    const daysText = (formString(body, 'days') ?? '').trim();
    const state: FormState = { values: { commonName, subjectAltNames: sanText, keyType, days: daysText }, fieldErrors: {}, general: [] };
    const days = /^\d+$/.test(daysText) ? Number(daysText) : NaN;
    if (!(KEY_TYPES as readonly string[]).includes(keyType)) state.fieldErrors.keyType = `Choose one of ${KEY_TYPES.join(', ')}`;
    if (!Number.isInteger(days) || days < 1 || days > 36_500) state.fieldErrors.days = 'A whole number of days from 1 to 36500';
    if (Object.keys(state.fieldErrors).length > 0) return show(req, reply, { generate: state }, 400);
    let generated;
    try {
      generated = await generateSelfSignedCertificate({
        ...(commonName ? { commonName } : {}),
        ...(sanText ? { subjectAltNames: sanText.split(/[\s,]+/).filter(Boolean) } : {}),
        days,
        keyType: keyType as KeyType,
      });
    } catch (err) {
      if (!isFerryError(err, 'BAD_ARGUMENT')) throw err;
      const field = /common name/i.test(err.message) ? 'commonName' : /alternative name|DNS name/i.test(err.message) ? 'subjectAltNames' : 'days';
      state.fieldErrors[field] = err.message;
      return show(req, reply, { generate: state }, 400);
    }
    const changes: ConfigChange[] = [
      { key: 'tls.cert', value: generated.certPem },
      { key: 'tls.key', value: generated.keyPem },
      { key: 'tls.certFile', value: undefined },
      { key: 'tls.keyFile', value: undefined },
      { key: 'tls.passphrase', value: undefined },
    ];
    const outcome = await ctx.editor.save(changes, { check: checkCertificate });
    if (outcome.ok) return saved(req, reply, 'tls.generate', outcome, 'generated');
    return show(req, reply, { generate: { ...state, general: [...Object.values(outcome.fields), ...outcome.general] } }, 400);
  });
}
