/**
 * Every environment variable the system reads, in ONE table: name, default, which process reads it and
 * what it means. docs/configuration.md is generated from it (`npm run docs:config`); README and the
 * other docs link there instead of repeating it. __tests__/server/config/variables.test.ts fails when a
 * reader (env.ts, the other config readers, the gateway, npm start, the cloud functions, the build) reads
 * a variable missing here, when EnvSchema's default differs from the one here, or when the committed
 * doc is out of date. How each value is validated stays with its reader.
 */

/** The processes that read configuration. */
export const READERS = {
  backend: 'the backend (`npm run server`) and the CLIs on its config: `roster:import`, `signals:import`, `notices`, `identity:enrol`',
  start: '`npm start` (scripts/start.ts), which passes everything else on to the backend it starts',
  gateway: 'the local gateway (servers/gateway/, `npm run gateway`, also inside `npm start`)',
  scheduler: 'the local reminder scheduler (servers/scheduler/, inside `npm start`)',
  cloud: 'the cloud functions on WeChat (`api`, `sendReminders`): set in the cloud console',
  sendReminders: 'the `sendReminders` cloud function only',
  build: 'the mini-program / H5 build (`npm run build:weapp`, `build:h5`)',
} as const
export type Reader = keyof typeof READERS

export interface ConfigVariable {
  name: string
  /** As shown to people (markdown); '' when unset means off or "not used". */
  default: string
  readers: readonly Reader[]
  description: string
}

export interface ConfigSection {
  title: string
  /** Where the details are explained, if elsewhere. */
  see?: string
  variables: readonly ConfigVariable[]
}

const httpLimits = (prefix: 'BACKEND' | 'GATEWAY', reader: Reader, requestDefault: string): ConfigVariable[] => [
  { name: `${prefix}_HEADERS_TIMEOUT_MS`, default: '`10000`', readers: [reader], description: "A request's whole head must arrive within this (100–600000 ms, not above the request timeout); after it: 408 `REQUEST_TIMEOUT`, connection closed." },
  { name: `${prefix}_REQUEST_TIMEOUT_MS`, default: requestDefault, readers: [reader], description: 'The whole request, head and body, must arrive within this (100–600000 ms), however steadily it trickles; after it: 408 `REQUEST_TIMEOUT`, connection closed.' },
  { name: `${prefix}_IDLE_TIMEOUT_MS`, default: '`10000`', readers: [reader], description: 'Nothing received for this long while a body is still expected (a stalled upload): 408 `REQUEST_TIMEOUT`, connection closed (100–600000 ms, not above the request timeout). A slow answer is never cut off by it.' },
  { name: `${prefix}_KEEP_ALIVE_TIMEOUT_MS`, default: '`72000`', readers: [reader], description: "An idle kept-alive connection is closed after this (100–600000 ms). Behind a load balancer keep it above the balancer's idle timeout (60 s on most), so the balancer closes first." },
  { name: `${prefix}_MAX_REQUESTS_PER_SOCKET`, default: '`1000`', readers: [reader], description: 'Requests on one kept-alive connection (0 = no limit); the last answer says `Connection: close`, which spreads long-lived balancer connections over instances.' },
]

export const CONFIG_SECTIONS: readonly ConfigSection[] = [
  {
    title: 'Processes, addresses, data',
    variables: [
      { name: 'NODE_ENV', default: '`development`', readers: ['backend', 'start', 'gateway', 'cloud'], description: '`development`, `test` or `production`. Production refuses the local key file, the demo roster (unless `DEMO_SEED=true`), the local sign-in, the local 电子社保卡 stand-in and test settings; `npm start` and the gateway refuse to run under it.' },
      { name: 'APP_PORT', default: '`10086`', readers: ['start', 'gateway'], description: 'Port of the gateway: the address you open in the browser.' },
      { name: 'APP_HOST', default: '`127.0.0.1`', readers: ['start', 'gateway'], description: 'Address the gateway listens on; keep it local (the local sign-in is for this machine).' },
      { name: 'BACKEND_HOST', default: '`127.0.0.1`', readers: ['backend'], description: 'Address the backend listens on (the backend `npm start` starts always listens on 127.0.0.1).' },
      { name: 'BACKEND_PORT', default: '`8787`', readers: ['backend', 'start', 'gateway'], description: 'Port the backend listens on (1–65535); the gateway calls it there unless `BACKEND_URL` says otherwise.' },
      { name: 'BACKEND_URL', default: '`http://127.0.0.1:$BACKEND_PORT` (required on WeChat)', readers: ['start', 'gateway', 'cloud'], description: 'The backend to call. Set for `npm start`, it uses that already running backend instead of starting one. On WeChat: the HTTPS address (a path prefix is allowed and is part of the signed path).' },
      { name: 'DATA_DIR', default: '`data`', readers: ['backend', 'start', 'gateway'], description: 'Local data: the SQLite file, `local-keys.json` (local keys and the shared signing secret), `h5-build.log`.' },
      { name: 'H5_DIR', default: '`dist/h5`', readers: ['start', 'gateway'], description: 'The H5 build the gateway serves; a non-default folder is served as is, never built.' },
      { name: 'START_SKIP_H5_BUILD', default: '', readers: ['start'], description: '`1`: never (re)build the H5 app.' },
      { name: 'START_SKIP_CONSOLE_BUILD', default: '', readers: ['start'], description: '`1`: never (re)build the agency console (dist/console); otherwise it is built when missing or older than console/ or the endpoint table.' },
      { name: 'LOG_LEVEL', default: '`info` (`warn` under `npm start`)', readers: ['backend', 'start'], description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. Names, ID numbers, card numbers and authorisations are redacted from logs in any case.' },
      { name: 'SHED_LOOP_DELAY_MS', default: '`1000`', readers: ['backend'], description: 'Answer 503 `SERVICE_UNAVAILABLE` while the event loop lags more than this (ms); a loop blocked for a whole sample counts as lagging. `0` = never shed on lag (the browser tests set it: a starved test machine is not an overloaded server).' },
    ],
  },
  {
    title: 'Database and keys',
    see: 'docs/configuration-backend.md (local key file, production notes)',
    variables: [
      { name: 'DATABASE_URL', default: 'unset: SQLite', readers: ['backend'], description: '`postgres://user:pass@host:5432/db`. Unset: a SQLite file. Same migrations and queries on both.' },
      { name: 'DATABASE_PREPARED_STATEMENTS', default: '`true`', readers: ['backend'], description: 'PostgreSQL: run the hot reads (status, records, the account; also inside the transaction of a certification) the result notices of a new record, and the fixed writes of a start and a completion (the session, the record, an audit row) as named prepared statements, planned once per connection and again after each ANALYZE of their tables, so keep autovacuum on (a plan made while a table was nearly empty is kept until then). Set `false` behind a connection pooler in transaction mode that does not keep prepared statements (PgBouncer before 1.21).' },
      { name: 'SQLITE_PATH', default: '`$DATA_DIR/yinling.sqlite`', readers: ['backend'], description: 'The SQLite file when `DATABASE_URL` is unset; created and migrated at start.' },
      { name: 'PII_KEYS', default: '`$DATA_DIR/local-keys.json`', readers: ['backend'], description: 'JSON `{"v1":"<base64 of 32 random bytes>", …}`: AES-256-GCM master keys by version for ID numbers, names and card numbers. Required in production.' },
      { name: 'PII_KEY_CURRENT', default: 'required with `PII_KEYS`', readers: ['backend'], description: 'Key version used for new encryptions; older versions stay readable while they are in `PII_KEYS`.' },
      { name: 'PII_INDEX_KEY_VERSION', default: '`v1` if present, else `PII_KEY_CURRENT`', readers: ['backend'], description: 'Key version the lookup hash (blind index) derives from. Keep it fixed when rotating `PII_KEY_CURRENT`; changing it needs a re-index of the roster.' },
      { name: 'BACKEND_HMAC_KEY_ID', default: '`k1` (or the key file\'s id)', readers: ['backend', 'gateway', 'cloud'], description: 'Id of the request-signing secret (`x-yl-key-id`).' },
      { name: 'BACKEND_HMAC_SECRET', default: '`$DATA_DIR/local-keys.json` (required on WeChat and in production)', readers: ['backend', 'gateway', 'cloud'], description: 'Request-signing secret shared by the backend and its callers, at least 32 characters. Share-card tokens are signed with a key derived from it.' },
      { name: 'NONCE_STORE', default: '`db`', readers: ['backend'], description: 'Replay cache for signed requests: `db` (shared by all instances) or `memory` (one instance only).' },
      { name: 'DEMO_SEED', default: '`true` (`false` in production)', readers: ['backend'], description: 'Load the demo roster (fictional people, docs/demo-identities.md) into an empty store.' },
    ],
  },
  {
    title: 'Certification',
    see: 'docs/identity-verification.md',
    variables: [
      { name: 'CYCLE_POLICY', default: '`rolling12`', readers: ['backend'], description: '`rolling12` (due in the same month a year after the last pass), `calendarYear` (once per calendar year) or `rolling6`.' },
      { name: 'SSC_AUTH_ADAPTER', default: '`local`', readers: ['backend'], description: '电子社保卡授权: `local` (signed stand-in tokens) or `national` (the production port; answers `SERVICE_UNAVAILABLE` until the agency is accredited).' },
      { name: 'IDENTITY_VERIFIER', default: '`local-face-match` (`manual-review` in production)', readers: ['backend'], description: 'Who checks that the live person is the pensioner: `wechat-facial-verify` (WeChat 人脸核身 2.0), `local-face-match` (enrolled photo vs evidence frames) or `manual-review` (agency staff decide).' },
      { name: 'IDENTITY_FACE_THRESHOLD', default: '`0.55`', readers: ['backend'], description: 'local-face-match: minimum similarity (0–1, median over the frames) to accept.' },
      { name: 'IDENTITY_FACE_MAX_FRAMES', default: '`5`', readers: ['backend'], description: 'local-face-match: evidence frames examined per session (1–10); about 150 ms each on one core.' },
      { name: 'IDENTITY_NO_REFERENCE', default: '`review`', readers: ['backend'], description: 'local-face-match for a person without an enrolled photo: `review` (waits for the agency) or `reject`.' },
      { name: 'IDENTITY_WEAPP_FRAME_UPLOAD', default: '`false`', readers: ['backend'], description: "Whether the weapp client may upload evidence frames (WeChat's rule: keep it off unless the deployment has cleared it). In production `local-face-match` is refused unless this is `true`: the mini-program must use `wechat-facial-verify` (or `manual-review`)." },
      { name: 'WECHAT_APPID', default: '', readers: ['backend'], description: 'Mini-program appid (`wx` + 16 hex) for WeChat\'s server APIs; required with `wechat-facial-verify` or `MINIPROGRAM_CODE_ADAPTER=wechat`.' },
      { name: 'WECHAT_SECRET', default: '', readers: ['backend'], description: 'The AppSecret that goes with `WECHAT_APPID` (access token via `/cgi-bin/stable_token`); keep it in a secret manager.' },
      { name: 'WECHAT_API_BASE', default: '`https://api.weixin.qq.com`', readers: ['backend'], description: "WeChat API origin; tests point it at a local fake. https in production." },
      { name: 'CERT_CHALLENGE_LENGTH', default: '`2`', readers: ['backend'], description: 'Actions per certification session (1–6).' },
      { name: 'CERT_CHALLENGE_ACTIONS', default: 'all six', readers: ['backend'], description: 'Comma list the backend picks from: `blink`, `mouth_open`, `turn_left`, `turn_right`, `head_up`, `head_down` (at least `CERT_CHALLENGE_LENGTH`).' },
      { name: 'CERT_TEST_CHALLENGE', default: '', readers: ['backend'], description: '**Test only**, e.g. `blink,turn_left`: every session uses exactly this challenge. Refused in production.' },
      { name: 'CERT_SESSION_TTL_SECONDS', default: '`300`', readers: ['backend'], description: 'Lifetime of a certification session (60–1800); completing later: `SESSION_EXPIRED`.' },
      { name: 'CERT_MAX_OPEN_SESSIONS', default: '`3`', readers: ['backend'], description: 'Open sessions per caller (1–20); more: `TOO_MANY_SESSIONS`.' },
      { name: 'CERT_COMPLETE_BODY_LIMIT', default: '`1572864`', readers: ['backend'], description: 'Body limit of `/v1/certifications/complete` in bytes (65536–10485760); other routes keep 64 KB.' },
      { name: 'CERT_MIN_FPS', default: '`5`', readers: ['backend'], description: 'Lowest plausible mean frame rate of a submitted observation summary.' },
      { name: 'CERT_MAX_FPS', default: '`60`', readers: ['backend'], description: 'Highest plausible mean frame rate of a submitted observation summary.' },
      { name: 'CERT_WORKERS', default: '`1`', readers: ['backend'], description: 'Worker threads for completions (1–8); each holds its own face model (about 150 MB). On 2 cores keep 1.' },
      { name: 'LIVENESS_POSITIONING_TIMEOUT_MS', default: '`30000`', readers: ['backend'], description: 'Engine: time to get positioned; sent to the client with each session and used for the replay.' },
      { name: 'LIVENESS_ACTION_TIMEOUT_MS', default: '`15000`', readers: ['backend'], description: 'Engine: time per action attempt (8000–300000; never under 8 s for elderly users).' },
      { name: 'LIVENESS_ACTION_RETRIES', default: '`1`', readers: ['backend'], description: 'Engine: extra attempts per action after a timeout (0–5).' },
      { name: 'LIVENESS_TOTAL_TIMEOUT_MS', default: '`180000`', readers: ['backend'], description: 'Engine: whole camera session; at least 30 s shorter than the session lifetime.' },
      { name: 'SIGNALS_SOURCES', default: '`medical,transport,civil_affairs,police`', readers: ['backend'], description: '静默认证 (`signals:import`, console upload): comma list of the signal sources that count towards a pass: `medical` (医保结算), `transport` (交通出行), `civil_affairs` (民政), `police` (公安), or their Chinese names. A death or 殡葬 signal never counts: it suspends payment and flags the person for review.' },
      { name: 'SIGNALS_RECENT_DAYS', default: '`90`', readers: ['backend'], description: '静默认证: a signal counts when it occurred at most this many days before today (0–730).' },
      { name: 'SIGNALS_MIN_SIGNALS', default: '`2`', readers: ['backend'], description: '静默认证: distinct recent signals (source + day) a due or overdue person needs to pass (1–50).' },
      { name: 'SIGNALS_MIN_SOURCES', default: '`1`', readers: ['backend'], description: '静默认证: distinct sources among those signals (1–6).' },
    ],
  },
  {
    title: 'Connections',
    see: 'docs/configuration-backend.md, docs/configuration-gateway.md',
    variables: [
      ...httpLimits('BACKEND', 'backend', '`30000`'),
      ...httpLimits('GATEWAY', 'gateway', '`60000`'),
      { name: 'GATEWAY_BODY_LIMIT', default: '`262144`', readers: ['gateway'], description: 'Largest request body in bytes (1024–52428800); larger: 413 `PAYLOAD_TOO_LARGE`.' },
      { name: 'BACKEND_TIMEOUT_MS', default: '`2500`', readers: ['gateway', 'cloud'], description: "Time allowed for one backend call (100–60000); after it: `SERVICE_UNAVAILABLE`. Completions get at least 20 s whatever this says. WeChat's default function timeout is 3 s: raise it there if you raise this." },
    ],
  },
  {
    title: 'Reminders',
    see: 'docs/reminders.md',
    variables: [
      { name: 'REMINDER_DAYS_BEFORE', default: '`30,7,1`', readers: ['backend'], description: 'Reminder days before the deadline (last day of the due month), distinct, 0–366.' },
      { name: 'REMINDER_OVERDUE', default: '`true`', readers: ['backend'], description: 'Also send `overdue_1` (first day overdue).' },
      { name: 'REMINDER_OVERDUE_WINDOW_DAYS', default: '`7`', readers: ['backend'], description: '`overdue_1` is still queued up to this overdue day (1–31).' },
      { name: 'REMINDER_SEND_WINDOW', default: '`09:00-20:00` (`00:00-24:00` under `npm start`)', readers: ['backend', 'start'], description: 'Beijing-time window in which messages are claimed for sending.' },
      { name: 'REMINDER_MAX_ATTEMPTS', default: '`5`', readers: ['backend'], description: 'Sends tried for transient errors before `failed` (1–20).' },
      { name: 'REMINDER_BACKOFF_BASE_SECONDS', default: '`60`', readers: ['backend'], description: 'First retry delay, doubled each time, capped at 1 h (1–3600).' },
      { name: 'REMINDER_LONG_TERM', default: '', readers: ['backend'], description: 'Templates with long-term subscription (government category): comma list of `certDue`, `certificationResult`, `relativeCertified`, or `all`.' },
      { name: 'REMINDER_TEMPLATE_CERT_DUE', default: '`local-cert-due` (unset in production)', readers: ['backend'], description: 'WeChat template id of 认证到期提醒; a template without an id is not queued. The weapp build needs the same id as `TARO_APP_REMINDER_TEMPLATE_CERT_DUE`.' },
      { name: 'REMINDER_TEMPLATE_RESULT', default: '`local-cert-result` (unset in production)', readers: ['backend'], description: 'WeChat template id of 认证结果通知 (same as `TARO_APP_REMINDER_TEMPLATE_RESULT`).' },
      { name: 'REMINDER_TEMPLATE_RELATIVE', default: '`local-relative-certified` (unset in production)', readers: ['backend'], description: 'WeChat template id of 家人认证完成通知 (same as `TARO_APP_REMINDER_TEMPLATE_RELATIVE`).' },
      { name: 'REMINDER_TEMPLATE_APPEAL', default: '`local-appeal-update` (unset in production)', readers: ['backend'], description: 'WeChat template id of 申诉进度通知 (same as `TARO_APP_REMINDER_TEMPLATE_APPEAL`).' },
      { name: 'REMINDER_MINIPROGRAM_STATE', default: '`formal` (`developer` outside production)', readers: ['backend'], description: '`miniprogram_state` of sent messages: `developer`, `trial` or `formal`.' },
      { name: 'REMINDER_LANG', default: '`zh_CN`', readers: ['backend'], description: '`lang` of sent messages: `zh_CN`, `en_US`, `zh_HK` or `zh_TW`.' },
      { name: 'REMINDER_BUDGET_MS', default: '`45000`', readers: ['sendReminders'], description: 'Time one timer run may spend sending (1000–55000).' },
      { name: 'REMINDER_BATCH_SIZE', default: '`50`', readers: ['sendReminders'], description: 'Messages claimed at a time (1–500).' },
      { name: 'REMINDER_LEASE_MS', default: '`60000`', readers: ['sendReminders'], description: 'How long a claim holds its messages (1000–900000).' },
      { name: 'REMINDER_CONCURRENCY', default: '`5`', readers: ['sendReminders'], description: 'Messages sent at once (1–20).' },
      { name: 'REMINDERS_LOCAL', default: '', readers: ['scheduler'], description: '`0`: `npm start` runs no local reminder sender.' },
      { name: 'REMINDERS_LOCAL_CRON', default: '`*/2 * * * *`', readers: ['scheduler'], description: 'When the local sender runs (cron), or `off` for once at start only.' },
      { name: 'REMINDERS_LOCAL_DEMO', default: '', readers: ['scheduler'], description: '`0`: no demo relative with subscriptions is created.' },
    ],
  },
  {
    title: 'Printed notices and mini-program codes',
    see: 'docs/notices.md',
    variables: [
      { name: 'APP_PUBLIC_URL', default: '`http://127.0.0.1:10086`', readers: ['backend'], description: 'Public origin of the H5 app; local notice QR codes point at `${APP_PUBLIC_URL}/packages/certify/index?scene=…`. https in production.' },
      { name: 'MINIPROGRAM_CODE_ADAPTER', default: '`local`', readers: ['backend'], description: '`local` (QR code to the H5 page) or `wechat` (wxacode.getUnlimited; needs `WECHAT_APPID` / `WECHAT_SECRET`).' },
      { name: 'WXACODE_ENV_VERSION', default: '`release`', readers: ['backend'], description: '`env_version` of the codes: `release`, `trial` or `develop`.' },
      { name: 'WXACODE_CHECK_PATH', default: '`true`', readers: ['backend'], description: '`check_path`; `false` allows a page not yet published.' },
      { name: 'WXACODE_WIDTH', default: '`430`', readers: ['backend'], description: 'Code width in px (280–1280).' },
      { name: 'NOTICE_HOTLINE', default: '`12333`', readers: ['backend'], description: 'Agency hotline printed on notices (`--hotline` overrides).' },
      { name: 'NOTICE_FONT_PATH', default: '`/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc`', readers: ['backend'], description: 'Noto Sans CJK collection (Debian `fonts-noto-cjk`).' },
    ],
  },
  {
    title: 'Agency console sign-in',
    see: 'server/agency/README.md',
    variables: [
      { name: 'AGENCY_SESSION_IDLE_MINUTES', default: '`30`', readers: ['backend'], description: 'A console session unused this long is signed out (1–1440 minutes, not above `AGENCY_SESSION_MAX_HOURS`).' },
      { name: 'AGENCY_SESSION_MAX_HOURS', default: '`12`', readers: ['backend'], description: 'A console session ends this long after sign-in however active it is (1–168 hours).' },
      { name: 'AGENCY_LOCKOUT_FAILURES', default: '`5`', readers: ['backend'], description: 'Wrong passwords or TOTP codes in a row before a console account is locked (3–100).' },
      { name: 'AGENCY_LOCKOUT_MINUTES', default: '`15`', readers: ['backend'], description: 'How long a locked console account stays locked (1–1440 minutes); a 管理员 or `npm run agency:user -- unlock` ends it sooner.' },
    ],
  },
  {
    title: 'Cloud functions and the build',
    see: 'docs/configuration-gateway.md',
    variables: [
      { name: 'LOCAL_SSC_ENABLED', default: '', readers: ['cloud'], description: '`1` (and `NODE_ENV` not `production`) allows `localSscAuthorize` in a test environment whose backend runs the local 电子社保卡 adapter.' },
      { name: 'WEAPP_APPID', default: '`touristappid`', readers: ['build'], description: 'Your mini-program appid, written into the build\'s own project.config.json (`TARO_APP_ID` is read as well).' },
      { name: 'TARO_APP_ID', default: '', readers: ['build'], description: "Taro's own name for the appid; `WEAPP_APPID` wins." },
      { name: 'WEAPP_CLOUD_ENV', default: 'the default environment', readers: ['build'], description: 'Cloud environment id the mini-program calls.' },
      { name: 'YL_API_BASE', default: '', readers: ['build'], description: 'H5 only: origin of the gateway when it is not the page\'s own.' },
      { name: 'YL_SSC_CHANNEL', default: '`local`', readers: ['build'], description: '电子社保卡授权 channel of the client: `local` stand-in or `national`.' },
      { name: 'TARO_APP_REMINDER_TEMPLATE_CERT_DUE', default: '`local-cert-due`', readers: ['build'], description: "Template id the client asks consent for; set in Taro's `.env` files (a shell variable is not picked up), equal to the backend's `REMINDER_TEMPLATE_CERT_DUE`." },
      { name: 'TARO_APP_REMINDER_TEMPLATE_RESULT', default: '`local-cert-result`', readers: ['build'], description: 'As above, for `REMINDER_TEMPLATE_RESULT`.' },
      { name: 'TARO_APP_REMINDER_TEMPLATE_RELATIVE', default: '`local-relative-certified`', readers: ['build'], description: 'As above, for `REMINDER_TEMPLATE_RELATIVE`.' },
      { name: 'TARO_APP_REMINDER_TEMPLATE_APPEAL', default: '`local-appeal-update`', readers: ['build'], description: 'As above, for `REMINDER_TEMPLATE_APPEAL` (asked for when an appeal is filed).' },
    ],
  },
]

export const CONFIG_VARIABLES: readonly ConfigVariable[] = CONFIG_SECTIONS.flatMap((s) => s.variables)
