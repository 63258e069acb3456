// The peer: what a competent Node engineer would write with the official Genesys guest chat client
// (purecloud-guest-chat-client 13.2.0) and `ws`, driving the same scenario file as `run`: one socket
// per chat, all chats concurrent on one event loop, one API client whose JWT is set right before each
// call (calls are built synchronously, so concurrent chats cannot mix their tokens), 429s and 5xx
// repeated after Retry-After, typing throttled as the service throttles it.
//
//   node peer.mjs --target http://127.0.0.1:5000 --scenario ../../../../config/scenarios/default.json \
//                 [--chats 100] [--messages 3] [--ramp 25] [--queue Q] [--organization ID] [--deployment ID]
//
// Progress goes to stderr; the last line on stdout is one JSON object with the same fields as
// `run --json` that the benchmark compares (chatsOk, messagesSent, messagesReceived, lost,
// duplicated, latency, baselineMemoryBytes, peakActiveChats, wallSeconds).
import { readFileSync } from 'node:fs';
import platformClient from 'purecloud-guest-chat-client';
import WebSocket from 'ws';

const TYPING_INTERVAL_MS = 3000; // the service's ConversationSettings.TypingInterval
const ANSWER_TIMEOUT_MS = 60000;

const options = parseArguments(process.argv.slice(2));
const scenario = JSON.parse(readFileSync(options.scenario, 'utf8'));
const chats = Number(options.chats ?? 100);
const messages = Number(options.messages ?? 3);
const ramp = Number(options.ramp ?? 25);
const target = options.target.replace(/\/$/, '');

const client = platformClient.ApiClient.instance;
client.config.live_reload_config = false;
client.setEnvironment('mypurecloud.com');
client.config.basePath = target; // the client speaks https://api.<region>; point it at the target as a proxy setting would
client.setReturnExtendedResponses(true); // status and headers, for 429s
// Client 13.2.0 shares one defaultHeaders object with every unauthenticated call (create) and its
// logger writes "Authorization: [REDACTED]" into it; a fresh object per call keeps that from leaking.
Object.defineProperty(client, 'defaultHeaders', { get: () => ({}), set: () => {} });
const api = new platformClient.WebChatApi(client);

const stats = { started: 0, active: 0, ended: 0, failed: 0, sent: 0, received: 0, live: 0, peakLive: 0, reconnects: 0 };
const failures = new Map();
const replyLatencies = [];
const setupTimes = [];
let repliesMissing = 0;
const runs = [];

function parseArguments(args) {
  const parsed = {};
  for (let i = 0; i < args.length; i += 2) {
    if (!args[i].startsWith('--') || args[i + 1] === undefined) throw new Error(`bad argument ${args[i]}`);
    parsed[args[i].slice(2)] = args[i + 1];
  }
  for (const required of ['target', 'scenario']) {
    if (!parsed[required]) throw new Error(`--${required} is required`);
  }
  return parsed;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One API call with this chat's JWT; 429 and 5xx repeated (429 after its Retry-After), as the service does.
async function call(jwt, operation) {
  for (let attempt = 1; ; attempt++) {
    if (jwt) client.setJwt(jwt);
    try {
      return (await operation()).body;
    } catch (error) {
      const status = error?.status;
      const retryable = status === 429 || status >= 500 || status === undefined;
      if (!retryable || attempt >= 10) throw error;
      const retryAfter = Number(error?.headers?.['retry-after']);
      await sleep(status === 429 ? (Number.isFinite(retryAfter) ? retryAfter * 1000 : 3000) : Math.min(8000, 100 * 2 ** attempt));
    }
  }
}

function fail(reason) {
  failures.set(reason, (failures.get(reason) ?? 0) + 1);
}

// A chat: its socket, what it has seen, and promises the script waits on.
class Chat {
  constructor(index) {
    this.index = index;
    this.received = [];
    this.waiters = [];
    // Never typed yet: the first message is always preceded by typing, as the service's is (performance.now()
    // counts from the process's start, so 0 would hold back every chat's typing in the first 3 seconds).
    this.lastTyping = -Infinity;
    this.roles = new Map(); // member id -> role, looked up once: events carry ids only
    this.active = deferred();
    this.ended = deferred();
  }

  open(uri) {
    this.socket = new WebSocket(uri);
    this.socket.on('message', (data) => this.onFrame(data));
    this.socket.on('close', () => this.ended.resolve('socket closed'));
    this.socket.on('error', () => {}); // a close follows
  }

  onFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return; // not JSON: skipped
    }
    const type = frame?.metadata?.type;
    const body = frame?.eventBody;
    if (!body) return;
    if (type === 'member-change') {
      const member = body.member;
      if (member?.id && member.id !== this.memberId && member.state === 'CONNECTED') this.onConnected(member.id);
      if (member?.id === this.memberId && member?.state === 'DISCONNECTED') this.ended.resolve('guest left');
    } else if (type === 'message') {
      if (body.sender?.id === this.memberId) return;
      if (body.bodyType === 'standard' || body.bodyType === 'notice') {
        this.received.push(body.id);
        this.waiters = this.waiters.filter((w) => !w());
      } else if (body.bodyType === 'media-request' && scenario.mediaRequests !== 'ask') {
        const state = scenario.mediaRequests === 'decline' ? 'DECLINED' : 'ACCEPTED';
        call(this.jwt, () => api.patchWebchatGuestConversationMediarequest(this.id, body.body, { state })).catch(() => fail('media answer refused'));
      }
    }
  }

  // The chat is answered when an agent connects; the queue's own member connects first, while the chat waits.
  // A member-change names no role, so it is looked up once per member (GET /members/{id}), as the service does.
  onConnected(memberId) {
    if (this.roles.has(memberId)) {
      if (this.roles.get(memberId) === 'AGENT') this.active.resolve();
      return;
    }
    this.roles.set(memberId, undefined);
    call(this.jwt, () => api.getWebchatGuestConversationMember(this.id, memberId))
      .then((info) => {
        this.roles.set(memberId, info?.role);
        if (info?.role === 'AGENT') this.active.resolve();
      })
      .catch(() => fail('member look-up refused'));
  }

  waitForReplies(count, timeoutMs) {
    if (this.received.length >= count) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        if (this.received.length < count) return false;
        clearTimeout(timer);
        resolve(true);
        return true;
      });
    });
  }
}

function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

const within = (promise, ms) => Promise.race([promise.then(() => true), sleep(ms).then(() => false)]);

async function drive(index, defaults) {
  const chat = new Chat(index);
  runs.push(chat);
  stats.started++;
  stats.live++;
  stats.peakLive = Math.max(stats.peakLive, stats.live);
  let active = false;
  try {
    const setup = performance.now();
    const created = await call(null, () => api.postWebchatGuestConversations({
      organizationId: defaults.organizationId,
      deploymentId: defaults.deploymentId,
      routingTarget: { targetType: 'QUEUE', targetAddress: defaults.queue },
      memberInfo: { displayName: scenario.displayName ?? 'Scripted Guest' },
    }));
    chat.id = created.id;
    chat.jwt = created.jwt;
    chat.memberId = created.member.id;
    chat.open(created.eventStreamUri);
    if (!(await within(chat.active.promise, ANSWER_TIMEOUT_MS))) {
      fail('no agent answered');
      return;
    }
    active = true;
    stats.active++;
    setupTimes.push(performance.now() - setup);

    const texts = scenario.messages;
    for (let n = 1; n <= messages; n++) {
      if (scenario.typeBeforeSending !== false && performance.now() - chat.lastTyping >= TYPING_INTERVAL_MS) {
        chat.lastTyping = performance.now();
        await call(chat.jwt, () => api.postWebchatGuestConversationMemberTyping(chat.id, chat.memberId));
      }
      await sleep(scenario.thinkTimeMs ?? 200);
      const text = texts[(n - 1) % texts.length];
      const sent = performance.now();
      await call(chat.jwt, () => api.postWebchatGuestConversationMemberMessages(chat.id, chat.memberId, {
        body: messages > texts.length ? `${text} (${n})` : text,
        bodyType: 'standard',
      }));
      stats.sent++;
      if (scenario.waitForReply === false) continue;
      if (await chat.waitForReplies(n, (scenario.replyTimeoutSeconds ?? 30) * 1000)) {
        replyLatencies.push(performance.now() - sent);
      } else {
        repliesMissing++;
      }
    }

    await call(chat.jwt, () => api.deleteWebchatGuestConversationMember(chat.id, chat.memberId));
    if (await within(chat.ended.promise, ANSWER_TIMEOUT_MS)) {
      stats.ended++;
    } else {
      fail('never ended');
    }
  } catch (error) {
    fail(`refused: ${error?.status ?? error?.code ?? error?.message ?? error}`);
  } finally {
    if (!active) stats.failed++;
    chat.socket?.close();
    stats.received += chat.received.length;
    stats.live--;
  }
}

async function control(path) {
  const response = await fetch(`${target}/emulator${path}`);
  return response.ok ? response.json() : null;
}

// Lost and duplicated, against the emulator's transcripts, exactly as `run` checks them.
async function check() {
  let lost = 0;
  let duplicated = 0;
  const queue = runs.filter((r) => r.id);
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let chat = queue.pop(); chat; chat = queue.pop()) {
      const transcript = (await control(`/conversations/${chat.id}`))?.transcript ?? [];
      const received = new Set(chat.received);
      const fromOthers = transcript.filter((e) => (e.senderRole === 'AGENT' || e.senderRole === 'WORKFLOW') && (e.bodyType === 'standard' || e.bodyType === 'notice'));
      lost += fromOthers.filter((e) => !received.has(e.id)).length;
      duplicated += chat.received.length - received.size;
      const guestBodies = transcript.filter((e) => e.senderRole === 'CUSTOMER' && e.bodyType === 'standard').map((e) => e.body);
      duplicated += guestBodies.length - new Set(guestBodies).size;
    }
  }));
  return { lost, duplicated };
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 10) / 10;
}

const info = await control('');
if (!info && !(options.organization && options.deployment)) throw new Error('--organization and --deployment are required when the target is not the emulator');
const defaults = {
  organizationId: options.organization ?? info.organizationId,
  deploymentId: options.deployment ?? info.deployments.find((d) => d.enabled !== false && !d.requireAuthentication).id,
  queue: options.queue ?? scenario.queue ?? info.queues[0].name,
};

const baselineMemoryBytes = process.memoryUsage().rss;
const wall = performance.now();
const progress = setInterval(() => {
  process.stderr.write(`[${((performance.now() - wall) / 1000).toFixed(1)}s] chats: ${stats.started} started, ${stats.active} active, ${stats.ended} ended | messages: ${stats.sent} sent | live ${stats.live}\n`);
}, 1000);
const drivers = [];
for (let i = 0; i < chats; i++) {
  const wait = ramp > 0 ? (i / ramp) * 1000 - (performance.now() - wall) : 0;
  if (wait > 0) await sleep(wait);
  drivers.push(drive(i, defaults));
}
await Promise.all(drivers);
clearInterval(progress);
const wallSeconds = (performance.now() - wall) / 1000;
const { lost, duplicated } = info ? await check() : { lost: null, duplicated: null };
const latencies = replyLatencies.sort((a, b) => a - b);
const setups = setupTimes.sort((a, b) => a - b);
console.log(JSON.stringify({
  chats,
  chatsOk: stats.ended,
  chatsFailed: chats - stats.ended,
  failuresByReason: Object.fromEntries(failures),
  messagesSent: stats.sent,
  messagesReceived: stats.received,
  repliesMissing,
  lost,
  duplicated,
  latencyP50Ms: percentile(latencies, 0.5),
  latencyP95Ms: percentile(latencies, 0.95),
  latencyP99Ms: percentile(latencies, 0.99),
  setupP50Ms: percentile(setups, 0.5),
  setupP95Ms: percentile(setups, 0.95),
  baselineMemoryBytes,
  peakActiveChats: stats.peakLive,
  wallSeconds: Math.round(wallSeconds * 100) / 100,
}));
process.exit(0);
