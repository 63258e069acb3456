// The official Genesys guest chat client (purecloud-guest-chat-client 13.2.0) against the emulator.
// Every one of the 11 operations goes through the client as shipped; the event stream through `ws`.
// Started by OfficialClientFidelityTests with EMULATOR_URL (and EXPIRING_EMULATOR_URL, whose JWTs
// live one second) set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import platformClient from 'purecloud-guest-chat-client';
import WebSocket from 'ws';

const base = process.env.EMULATOR_URL;
const expiringBase = process.env.EXPIRING_EMULATOR_URL;
assert.ok(base, 'EMULATOR_URL must be set');

const ORG = '6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10';
const DEPLOYMENT = '2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30';
const client = platformClient.ApiClient.instance;
client.config.live_reload_config = false;
const api = new platformClient.WebChatApi();

// The client only speaks https://api.<environment>; the emulator listens on plain loopback HTTP,
// so point the client's base path at it the way a proxy configuration would.
function target(url) {
  client.setEnvironment('mypurecloud.com');
  client.config.basePath = url;
}

// Client 13.2.0 bug: for a call without a JWT (create) the request's headers object is the client's
// shared defaultHeaders, and its logger writes "Authorization: [REDACTED]" into it, which then
// replaces the JWT on every later call. Real integrations need this same reset after creating a chat.
async function unauthenticated(call) {
  try {
    return await call();
  } finally {
    client.defaultHeaders = {};
  }
}

const createChat = (body) => unauthenticated(() => api.postWebchatGuestConversations(body));

function createBody(overrides = {}) {
  return {
    organizationId: ORG,
    deploymentId: DEPLOYMENT,
    routingTarget: { targetType: 'QUEUE', targetAddress: 'Chat Queue', skills: ['billing'], language: 'en-us', priority: 3 },
    memberInfo: { displayName: 'Official Client', firstName: 'Offi', lastName: 'Cial', customFields: { account: '42' } },
    ...overrides,
  };
}

async function control(method, path, body) {
  const response = await fetch(`${base}/emulator${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.status === 204 ? null : response.json();
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to be refused');
}

// A websocket that records frames and lets a test wait for one.
class Stream {
  constructor(uri) {
    this.frames = [];
    this.waiters = [];
    this.socket = new WebSocket(uri);
    this.closed = new Promise((resolve) => this.socket.on('close', (code) => resolve(code)));
    this.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => !w(frame));
    });
  }

  opened() {
    return new Promise((resolve, reject) => {
      this.socket.once('open', resolve);
      this.socket.once('error', reject);
    });
  }

  waitFor(match, what, timeoutMs = 10000) {
    const found = this.frames.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame ${what}; got ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.waiters.push((frame) => {
        if (!match(frame)) return false;
        clearTimeout(timer);
        resolve(frame);
        return true;
      });
    });
  }
}

const isMessage = (body) => (f) => f.metadata?.type === 'message' && f.eventBody.body === body;
const isJoin = (notSender) => (f) => f.metadata?.type === 'message' && f.eventBody.bodyType === 'member-join' && f.eventBody.sender.id !== notSender;
const isMemberState = (id, state) => (f) => f.metadata?.type === 'member-change' && f.eventBody.member.id === id && f.eventBody.member.state === state;

let chat;
let stream;
let agentId;

before(async () => {
  target(base);
  chat = await createChat(createBody());
  client.setJwt(chat.jwt);
});

after(() => {
  stream?.socket.terminate();
});

test('create answers id, jwt, eventStreamUri and the guest member id', () => {
  assert.match(chat.id, /^[0-9a-f-]{36}$/);
  assert.equal(chat.jwt.split('.').length, 3);
  assert.ok(chat.eventStreamUri.endsWith(`/${chat.jwt}`));
  assert.deepEqual(Object.keys(chat.member), ['id']);
  const payload = JSON.parse(Buffer.from(chat.jwt.split('.')[1], 'base64url').toString());
  assert.equal(payload.data.conv, chat.id);
  assert.equal(payload.data.sub, chat.member.id);
  assert.equal(payload.org, ORG);
});

test('posting before the socket is attached is refused with chat.error.conversation.state', async () => {
  const error = await rejection(api.postWebchatGuestConversationMemberMessages(chat.id, chat.member.id, { body: 'too early' }));
  assert.equal(error.status, 400);
  assert.equal(error.code, 'chat.error.conversation.state');
});

test('attaching the socket routes the chat: guest connected, agent alerting then connected and joined', async () => {
  stream = new Stream(chat.eventStreamUri);
  await stream.opened();
  await stream.waitFor(isMemberState(chat.member.id, 'CONNECTED'), 'guest connected');
  const join = await stream.waitFor(isJoin(chat.member.id), 'agent join');
  agentId = join.eventBody.sender.id;
  await stream.waitFor(isMemberState(agentId, 'ALERTING'), 'agent alerting');
  await stream.waitFor(isMemberState(agentId, 'CONNECTED'), 'agent connected');
  assert.equal(join.topicName, `v2.conversations.chats.${chat.id}.messages`);
  assert.equal(join.version, '2');
  assert.ok(join.metadata.CorrelationId);
});

test('getWebchatGuestConversationMember resolves the agent and the guest', async () => {
  const agent = await api.getWebchatGuestConversationMember(chat.id, agentId);
  assert.equal(agent.role, 'AGENT');
  assert.equal(agent.state, 'CONNECTED');
  assert.ok(agent.displayName);
  const guest = await api.getWebchatGuestConversationMember(chat.id, chat.member.id);
  assert.equal(guest.role, 'CUSTOMER');
  assert.equal(guest.displayName, 'Official Client');
  assert.equal(guest.customFields.account, '42');
});

test('typing answers an event id and is echoed on the socket', async () => {
  const typing = await api.postWebchatGuestConversationMemberTyping(chat.id, chat.member.id);
  assert.match(typing.id, /^[0-9a-f-]{36}$/);
  assert.equal(typing.sender.id, chat.member.id);
  await stream.waitFor((f) => f.metadata?.type === 'typing-indicator' && f.eventBody.id === typing.id, 'own typing echo');
});

test('messages go both ways: own echo, agent typing, agent reply', async () => {
  for (const body of ['first', 'second', 'third']) {
    const message = await api.postWebchatGuestConversationMemberMessages(chat.id, chat.member.id, { body, bodyType: 'standard' });
    assert.equal(message.body, body);
    assert.equal(message.bodyType, 'standard');
    assert.equal(message.sender.id, chat.member.id);
    assert.match(message.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(message.selfUri, `/api/v2/webchat/guest/conversations/${chat.id}/messages/${message.id}`);
    await stream.waitFor((f) => isMessage(body)(f) && f.eventBody.sender.id === agentId, `agent reply to ${body}`);
  }
  assert.ok(stream.frames.some((f) => f.metadata?.type === 'typing-indicator' && f.eventBody.sender.id === agentId));
  const notice = await api.postWebchatGuestConversationMemberMessages(chat.id, chat.member.id, { body: 'viewing page 2', bodyType: 'notice' });
  assert.equal(notice.bodyType, 'notice');
});

test('members page with counts and links', async () => {
  const all = await api.getWebchatGuestConversationMembers(chat.id);
  assert.equal(all.pageNumber, 1);
  assert.equal(all.pageSize, 25);
  assert.equal(all.total, 3);
  const second = await api.getWebchatGuestConversationMembers(chat.id, { pageSize: 1, pageNumber: 2, excludeDisconnectedMembers: false });
  assert.equal(second.entities.length, 1);
  assert.equal(second.pageCount, 3);
  assert.ok(second.nextUri.includes('pageNumber=3'));
  assert.ok(second.previousUri.includes('pageNumber=1'));
  const connected = await api.getWebchatGuestConversationMembers(chat.id, { excludeDisconnectedMembers: true });
  assert.deepEqual(connected.entities.map((m) => m.role).sort(), ['AGENT', 'CUSTOMER']);
});

test('messages page with after= until a short page, and one message reads by id', async () => {
  const everything = await api.getWebchatGuestConversationMessages(chat.id, { sortOrder: 'ascending', maxResults: 100 });
  const seen = [];
  let after;
  for (;;) {
    const page = await api.getWebchatGuestConversationMessages(chat.id, { after, maxResults: 2 });
    seen.push(...page.entities.map((m) => m.id));
    if (page.entities.length < 2) break;
    assert.ok(page.next);
    after = page.entities[page.entities.length - 1].id;
  }
  assert.deepEqual(seen, everything.entities.map((m) => m.id));
  const newest = await api.getWebchatGuestConversationMessages(chat.id, { sortOrder: 'descending', maxResults: 1 });
  assert.equal(newest.entities[0].body, 'viewing page 2');
  const one = await api.getWebchatGuestConversationMessage(chat.id, newest.entities[0].id);
  assert.equal(one.id, newest.entities[0].id);
  assert.equal(one.conversation.id, chat.id);
});

test('a media request is read, listed and accepted; another is declined', async () => {
  const raised = await control('POST', `/conversations/${chat.id}/agent/mediarequests`, { types: ['COBROWSE'] });
  const frame = await stream.waitFor((f) => f.eventBody?.bodyType === 'media-request' && f.eventBody.body === raised.id, 'media request message');
  assert.equal(frame.eventBody.sender.id, agentId);
  const pending = await api.getWebchatGuestConversationMediarequest(chat.id, raised.id);
  assert.equal(pending.state, 'PENDING');
  assert.deepEqual(pending.types, ['COBROWSE']);
  const accepted = await api.patchWebchatGuestConversationMediarequest(chat.id, raised.id, { types: ['COBROWSE'], state: 'ACCEPTED' });
  assert.equal(accepted.state, 'ACCEPTED');

  const second = await control('POST', `/conversations/${chat.id}/agent/mediarequests`, { types: ['SCREENSHARE'] });
  const declined = await api.patchWebchatGuestConversationMediarequest(chat.id, second.id, { types: ['SCREENSHARE'], state: 'DECLINED' });
  assert.equal(declined.state, 'DECLINED');
  const again = await rejection(api.patchWebchatGuestConversationMediarequest(chat.id, second.id, { types: ['SCREENSHARE'], state: 'ACCEPTED' }));
  assert.equal(again.status, 400);

  const list = await api.getWebchatGuestConversationMediarequests(chat.id);
  assert.deepEqual(list.entities.map((r) => r.state), ['ACCEPTED', 'DECLINED']);
});

test('validation errors come back as ErrorBody with the documented codes', async () => {
  const noName = await rejection(createChat(createBody({ memberInfo: { firstName: 'x' } })));
  assert.equal(noName.status, 400);
  assert.equal(noName.code, 'chat.error.notnull.createconversationrequest.memberinfo.displayname');
  const badQueue = await rejection(createChat(createBody({ routingTarget: { targetType: 'QUEUE', targetAddress: 'Nowhere' } })));
  assert.equal(badQueue.code, 'chat.error.invalid.queue');
  const tooLong = await rejection(api.postWebchatGuestConversationMemberMessages(chat.id, chat.member.id, { body: 'x'.repeat(4001) }));
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.details[0].fieldName, 'body');
  const tooMany = await rejection(api.getWebchatGuestConversationMessages(chat.id, { maxResults: 101 }));
  assert.equal(tooMany.code, 'invalid.value');
  const notMine = await rejection(api.postWebchatGuestConversationMemberMessages(chat.id, agentId, { body: 'pretending' }));
  assert.equal(notMine.code, 'chat.error.member.state');
  const missing = await rejection(api.getWebchatGuestConversationMessage(chat.id, '00000000-0000-0000-0000-000000000000'));
  assert.equal(missing.status, 404);
});

test('every error carries a contextId equal to the inin-correlation-id header', async () => {
  client.setReturnExtendedResponses(true);
  try {
    const error = await rejection(api.getWebchatGuestConversationMessages(chat.id, { sortOrder: 'sideways' }));
    assert.equal(error.status, 400);
    assert.equal(error.body.contextId, error.headers['inin-correlation-id']);
    const ok = await api.getWebchatGuestConversationMediarequests(chat.id);
    assert.match(ok.headers['inin-correlation-id'], /^[0-9a-f-]{36}$/);
  } finally {
    client.setReturnExtendedResponses(false);
  }
});

test('tokens: garbage and foreign tokens are refused', async () => {
  const other = await createChat(createBody());
  try {
    client.setJwt('not-a-jwt');
    const garbage = await rejection(api.getWebchatGuestConversationMembers(chat.id));
    assert.equal(garbage.code, 'bad.credentials');
    client.setJwt(other.jwt);
    const foreign = await rejection(api.getWebchatGuestConversationMembers(chat.id));
    assert.equal(foreign.status, 403);
    assert.equal(foreign.code, 'not.authorized');
  } finally {
    client.setJwt(chat.jwt);
  }
});

test('an expired token is 401 credentials.expired', { skip: !expiringBase }, async () => {
  target(expiringBase);
  try {
    const short = await createChat(createBody());
    client.setJwt(short.jwt);
    const expiresAt = JSON.parse(Buffer.from(short.jwt.split('.')[1], 'base64url').toString()).exp * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));
    const expired = await rejection(api.getWebchatGuestConversationMembers(short.id));
    assert.equal(expired.status, 401);
    assert.equal(expired.code, 'credentials.expired');
  } finally {
    target(base);
    client.setJwt(chat.jwt);
  }
});

test('a throttled call is 429 too.many.requests.retry.after with Retry-After', async () => {
  await control('PUT', '/faults', { throttleShare: 1, retryAfterSeconds: 3 });
  client.setReturnExtendedResponses(true);
  try {
    const throttled = await rejection(api.getWebchatGuestConversationMembers(chat.id));
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '3');
    assert.equal(throttled.body.code, 'too.many.requests.retry.after');
    assert.equal(throttled.body.limit.namespace, 'webchat');
  } finally {
    client.setReturnExtendedResponses(false);
    await control('PUT', '/faults', { profile: 'none' });
  }
});

test('leaving answers 204, disconnects the guest and closes the socket with 1000', async () => {
  const left = await api.deleteWebchatGuestConversationMember(chat.id, chat.member.id);
  assert.ok(left === undefined || left === '');
  await stream.waitFor(isMemberState(chat.member.id, 'DISCONNECTED'), 'guest disconnected');
  await stream.waitFor((f) => f.eventBody?.bodyType === 'member-leave' && f.eventBody.sender.id === chat.member.id, 'guest member-leave');
  assert.equal(await stream.closed, 1000);
  const after = await rejection(api.postWebchatGuestConversationMemberMessages(chat.id, chat.member.id, { body: 'gone' }));
  assert.equal(after.code, 'chat.error.conversation.state');
});

test('a call without a token is 401 authentication.required', async () => {
  client.setJwt(undefined);
  const none = await rejection(unauthenticated(() => api.getWebchatGuestConversationMembers(chat.id)));
  assert.equal(none.status, 401);
  assert.equal(none.code, 'authentication.required');
});
