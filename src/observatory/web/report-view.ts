// The whole report on the page: per service, its policy, DNS, POSH and what to fix, then per target the
// score breakdown, the suites per version, the certificate chain, TLSA and the stream. Markup only.
import type { LetterGrade } from '../../core/report.ts';
import { findingsView, gradeLabel, shortTime } from './fragments.ts';
import { html } from './html.ts';
import type {
  CertificateModel,
  ReportModel,
  ScoreModel,
  ServiceModel,
  TargetModel,
  TlsModel,
} from './report-model.ts';

const yesNo = (value: boolean) => (value ? 'yes' : 'no');
const list = (items: readonly string[], none = 'none') => (items.length > 0 ? items.join(', ') : none);

/** A wide table that scrolls sideways on a phone; focusable so a keyboard can scroll it too. */
function scroller(label: string, table: unknown) {
  return html`<div class="scroll" role="region" aria-label=${label} tabindex="0">${table}</div>`;
}

export function reportView(model: ReportModel, fromDomainHint = '') {
  return html`${model.resolver ? html`<p class="resolver">DNS resolver of this scan: ${model.resolver}.</p>` : null}
    ${model.services.map((s) => serviceSection(model.domain, s))}
    <section class="path-check">
      <h2>Check the path from your server to this one</h2>
      <form method="get" action="/path" class="search">
        <label for="path-from">Your domain</label>
        <input id="path-from" name="from" value=${fromDomainHint} placeholder="your.example" required maxlength="1024" />
        <input type="hidden" name="to" value=${model.domain} />
        <input type="submit" value="Check the path" />
      </form>
    </section>`;
}

function serviceSection(domain: string, s: ServiceModel) {
  const id = s.kind;
  return html`<section class="service" aria-labelledby=${`${id}-title`}>
    <h2 id=${`${id}-title`}>${s.title} ${gradeLabel(s.grade, s.gradeIfTrusted)}</h2>
    <dl>
      <dt>Encryption</dt><dd>${s.encryption}</dd>
      <dt>Authentication</dt><dd>${s.authentication}</dd>
      ${s.kind === 's2s' ? html`<dt>Dialback</dt><dd>${s.dialback ? 'offered' : 'not offered'}</dd>` : null}
      ${s.authPolicy ? html`<dt>Unauthenticated peers</dt><dd>${s.authPolicy}</dd>` : null}
      <dt>SASL before TLS</dt><dd>${list(s.saslBeforeTls)}</dd>
      <dt>SASL after TLS</dt><dd>${list(s.saslAfterTls)}</dd>
    </dl>
    <h3>What to fix</h3>
    ${findingsView(s.findings)}
    <h3>DNS</h3>
    ${srvTable(s)}
    ${poshView(domain, s)}
    ${s.targets.map((t) => targetSection(s, t))}
  </section>`;
}

function srvTable(s: ServiceModel) {
  if (s.targets.length === 0) return html`<p>No target was found.</p>`;
  return scroller(
    `${s.kind} targets`,
    html`<table class="data">
      <caption>Targets of ${s.kind}, from DNS</caption>
      <thead><tr><th scope="col">Target</th><th scope="col">Kind</th><th scope="col">From</th><th scope="col">Priority</th><th scope="col">Weight</th><th scope="col">Address probed</th><th scope="col">All addresses</th><th scope="col">DNSSEC</th></tr></thead>
      <tbody>
        ${s.targets.map(
          (t) => html`<tr>
            <td>${t.label}</td><td>${t.kind}</td><td>${t.source}</td><td>${t.priority ?? '–'}</td><td>${t.weight ?? '–'}</td>
            <td>${t.address ?? '–'}</td><td>${list(t.addresses)}</td><td>${t.dnssec ? 'validated' : 'not validated'}</td>
          </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

function poshView(domain: string, s: ServiceModel) {
  const posh = s.posh;
  return html`<h4>POSH</h4>
    ${
      posh === null
        ? html`<p>Not looked up.</p>`
        : html`<dl>
            <dt>Document</dt><dd class="wrap">${posh.url}</dd>
            <dt>Found</dt><dd>${posh.found ? 'yes' : `no${posh.error ? `: ${posh.error}` : ''}`}</dd>
            ${posh.found ? html`<dt>Fingerprints</dt><dd class="wrap">${list(posh.fingerprints.map((f) => `${f.algorithm} ${f.value}`))}</dd>` : null}
            ${posh.found ? html`<dt>Matches</dt><dd>${posh.matches ? `a presented certificate: POSH authenticates ${domain}` : 'none of the presented certificates'}</dd>` : null}
          </dl>`
    }`;
}

function targetSection(s: ServiceModel, t: TargetModel) {
  return html`<section class="target">
    <h3>${s.kind} target ${t.label} ${t.status === 'ok' ? gradeLabel(t.grade, t.gradeIfTrusted) : null}</h3>
    ${t.address ? html`<p>Probed at ${t.address}${t.addresses.length > 1 ? ` (one of ${t.addresses.length} addresses, each graded on its own)` : ''}.</p>` : null}
    ${t.status === 'error' ? html`<p class="error">Not scanned: ${t.error ?? 'unknown error'}</p>` : null}
    ${t.score ? scoreView(t.label, t.score, t.gradeIfTrusted) : null}
    ${t.tls ? tlsView(t.label, t.tls) : null}
    ${t.chain.length > 0 ? chainView(t) : null}
    ${t.dane ? daneView(t) : null}
    ${t.stream ? streamView(t) : null}
    ${
      t.otherFacts.length > 0
        ? html`<h4>More facts</h4>
            ${t.otherFacts.map(
              ([name, json]) =>
                html`<details><summary>${name}</summary>${scroller(name, html`<pre>${json}</pre>`)}</details>`,
            )}`
        : null
    }
  </section>`;
}

function scoreView(label: string, score: ScoreModel, letter: LetterGrade | null) {
  const row = (name: string, weight: number, value: number) =>
    html`<tr><th scope="row">${name}</th><td>${weight}%</td><td>${value}</td><td>${(value * weight) / 100}</td></tr>`;
  return html`<h4>Score</h4>
    ${scroller(
      `score of ${label}`,
      html`<table class="data">
        <caption>Score breakdown of ${label}</caption>
        <thead><tr><th scope="col">Part</th><th scope="col">Weight</th><th scope="col">Score</th><th scope="col">Points</th></tr></thead>
        <tbody>
          ${row('Protocol', 30, score.parts.protocol)}
          ${row('Key exchange', 30, score.parts.keyExchange)}
          ${row('Cipher strength', 40, score.parts.cipher)}
        </tbody>
        <tfoot><tr><th scope="row">Score</th><td></td><td></td><td>${score.score}</td></tr></tfoot>
      </table>`,
    )}
    ${
      score.caps.length === 0
        ? html`<p>No cap applied${letter ? `: the letter is ${letter}` : ''}.</p>`
        : html`<p>Caps that applied${letter ? ` (letter after caps: ${letter})` : ''}:</p>
            <ul class="caps">${score.caps.map((c) => html`<li><strong>${c.limit === 'A-' ? 'A- at most' : `${c.limit} at most`}</strong>: ${c.reason}</li>`)}</ul>`
    }`;
}

function tlsView(label: string, tls: TlsModel) {
  const orderText = {
    server: "the server's preference, best first",
    client: "the client's order (the server has no preference of its own)",
    unknown: 'registry order (the preference could not be told)',
  }[tls.order];
  return html`<h4>TLS</h4>
    <dl>
      <dt>Versions</dt><dd>${tls.versions.map((v) => v.version).join(', ')}</dd>
      <dt>Suite order</dt><dd>${orderText}</dd>
      <dt>Groups</dt><dd>${list(tls.groups, 'not recorded')}</dd>
      <dt>ML-KEM hybrid</dt><dd>${tls.groups.length === 0 ? 'not recorded' : tls.mlkemGroups.length > 0 ? `offered (${tls.mlkemGroups.join(', ')})` : 'not offered'}</dd>
      <dt>DH group</dt><dd>${tls.dhBits === null ? 'no DHE suite' : `${tls.dhBits} bits`}</dd>
      <dt>Compression</dt><dd>${tls.compression ? 'enabled (CRIME)' : 'off'}</dd>
    </dl>
    ${tls.versions.map((v) =>
      scroller(
        `${v.version} suites of ${label}`,
        html`<table class="data suites">
          <caption>${v.version}: ${v.suites.length} accepted suite${v.suites.length === 1 ? '' : 's'}</caption>
          <thead><tr><th scope="col">#</th><th scope="col">Suite</th><th scope="col">Code</th><th scope="col">Bits</th><th scope="col">Strength</th><th scope="col">Forward secrecy</th><th scope="col">AEAD</th></tr></thead>
          <tbody>
            ${v.suites.map(
              (s) => html`<tr>
                <td>${s.order}</td><td class="wrap">${s.name}</td><td>${s.code}</td><td>${s.bits}</td>
                <td class=${`strength-${s.strength}`}>${s.strength}${s.weakness ? ` (${s.weakness})` : ''}</td>
                <td>${yesNo(s.forwardSecrecy)}</td><td>${yesNo(s.aead)}</td>
              </tr>`,
            )}
          </tbody>
        </table>`,
      ),
    )}`;
}

function chainView(t: TargetModel) {
  return html`<h4>Certificate chain</h4>
    ${
      t.trust
        ? html`<p>
            ${t.trust.trusted ? 'Chains to a trusted CA' : `Not trusted: ${t.trust.why}`}${t.trust.expired ? '; expired' : ''};
            identity ${t.trust.identity}.
          </p>`
        : null
    }
    <ol class="chain">${t.chain.map((c) => html`<li>${certificateView(c)}</li>`)}</ol>`;
}

function certificateView(c: CertificateModel) {
  return html`<dl>
    <dt>Position</dt><dd>${c.position}</dd>
    <dt>Subject</dt><dd class="wrap">${c.subject}</dd>
    ${c.position === 'leaf' ? html`<dt>DNS names</dt><dd class="wrap">${list(c.dnsIds)}</dd>` : null}
    ${c.position === 'leaf' ? html`<dt>SRV-IDs</dt><dd class="wrap">${list(c.srvIds)}</dd>` : null}
    ${c.position === 'leaf' ? html`<dt>XmppAddr</dt><dd class="wrap">${list(c.xmppAddrs)}</dd>` : null}
    <dt>Issuer</dt><dd class="wrap">${c.issuer}</dd>
    <dt>Valid</dt><dd>${shortTime(c.notBefore)} to ${shortTime(c.notAfter)}</dd>
    <dt>Key</dt><dd>${c.key}</dd>
    <dt>Signature</dt><dd>${c.signature}</dd>
    <dt>SHA-256</dt><dd class="wrap mono">${c.sha256Fingerprint}</dd>
    <dt>Key SHA-256</dt><dd class="wrap mono">${c.spkiSha256}</dd>
    ${c.otherFacts.map(([name, value]) => html`<dt>${name}</dt><dd class="wrap">${value}</dd>`)}
  </dl>`;
}

function daneView(t: TargetModel) {
  const dane = t.dane;
  if (dane === null) return null;
  const verdict = !dane.dnssec
    ? 'not DNSSEC-validated, so peers ignore them'
    : dane.matches === true
      ? 'validated, and they match the presented chain'
      : dane.matches === false
        ? 'validated, and they match nothing presented: DANE-checking peers refuse this server'
        : 'validated; no usable record';
  return html`<h4>TLSA (DANE)</h4>
    <p>${dane.records.length === 0 ? `No TLSA records at ${dane.name}.` : `Records at ${dane.name}: ${verdict}.`}</p>
    ${
      dane.records.length > 0
        ? scroller(
            `TLSA records of ${t.label}`,
            html`<table class="data">
              <caption>TLSA records of ${t.label}</caption>
              <thead><tr><th scope="col">Usage</th><th scope="col">Selector</th><th scope="col">Matching</th><th scope="col">Data</th><th scope="col">Names</th></tr></thead>
              <tbody>
                ${dane.records.map(
                  (r) =>
                    html`<tr><td>${r.usage}</td><td>${r.selector}</td><td>${r.matchingType}</td><td class="wrap mono">${r.data}</td><td>${r.matches}</td></tr>`,
                )}
              </tbody>
            </table>`,
          )
        : null
    }`;
}

function streamView(t: TargetModel) {
  const st = t.stream;
  if (st === null) return null;
  return html`<h4>Stream</h4>
    <dl>
      <dt>STARTTLS</dt><dd>${st.starttls}</dd>
      <dt>SASL before TLS</dt><dd>${list(st.saslBeforeTls)}</dd>
      <dt>SASL after TLS</dt><dd>${list(st.saslAfterTls)}</dd>
      <dt>Dialback</dt><dd>${yesNo(st.dialback)}</dd>
      <dt>SASL EXTERNAL</dt><dd>${yesNo(st.saslExternal)}</dd>
      ${st.refusesUnauthenticated === null ? null : html`<dt>Refuses unauthenticated peers</dt><dd>${yesNo(st.refusesUnauthenticated)}</dd>`}
      ${st.demandsClientCertificate ? html`<dt>Client certificate</dt><dd>demanded: the TLS handshake fails without one (the server's own certificate is above)</dd>` : null}
      <dt>Software</dt><dd>${st.software ?? 'not told'}</dd>
    </dl>`;
}
