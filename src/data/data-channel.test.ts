// The passive listener opened ahead of the next PASV/EPSV (DataChannel.standBy): the next PASV/EPSV
// announces it, nobody gets in before that, and it does not outlive its wait or the session.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { DataChannel } from './data-channel.js';
import { PassivePortPool } from './passive-port-pool.js';

/** A pool that keeps every listener it hands out. */
class RecordingPool extends PassivePortPool {
  readonly servers: net.Server[] = [];
  override async listen(host: string): Promise<net.Server> {
    const server = await super.listen(host);
    this.servers.push(server);
    return server;
  }
}

function channelWith(pool: PassivePortPool) {
  const refused: string[] = [];
  const channel = new DataChannel({
    pool,
    controlRemote: '127.0.0.1',
    controlLocal: '127.0.0.1',
    connectTimeoutMs: 5000,
    allowForeignAddress: false,
    onRefused: (reason) => refused.push(reason),
    onSecured: () => {},
  });
  return { channel, refused };
}

/** Connect to `port`; resolves with the bytes received once the server closes the connection. */
function receive(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}

/** One plain passive download of `text` through `channel` on `port`. */
async function transfer(channel: DataChannel, port: number, text: string): Promise<string> {
  const received = receive(port);
  const socket = await channel.open({ requireSessionReuse: false, upload: false, signal: new AbortController().signal });
  socket.end(text);
  return received;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('passive listener opened ahead (standBy)', () => {
  test('after a passive transfer the next PASV/EPSV announces the listener opened ahead; a connection before that is refused', async () => {
    const pool = new RecordingPool(0, 0);
    const { channel, refused } = channelWith(pool);
    const first = await channel.listenPassive();
    assert.equal(await transfer(channel, first, 'one'), 'one');
    channel.standBy();
    await tick();
    assert.equal(pool.servers.length, 2, 'the next listener is open before the next PASV/EPSV');
    const ahead = (pool.servers[1]!.address() as net.AddressInfo).port;
    assert.equal(await receive(ahead), '', 'a connection to a port not announced yet is closed at once');
    assert.deepEqual(refused, ['data connection to a passive port not announced yet']);
    const second = await channel.listenPassive();
    assert.equal(second, ahead, 'PASV/EPSV announces the listener opened ahead');
    assert.equal(pool.servers.length, 2, 'and opens no other');
    assert.equal(await transfer(channel, second, 'two'), 'two');
    channel.close();
  });

  test('nothing is opened ahead after an active transfer, after the session ends, or when the port range is half in use', async () => {
    const pool = new RecordingPool(0, 0);
    const { channel } = channelWith(pool);
    channel.standBy();
    await tick();
    assert.equal(pool.servers.length, 0, 'no transfer yet');

    // An active (PORT) transfer: the client listens, Ferry connects.
    const client = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => client.listen(0, '127.0.0.1', resolve));
    channel.setActive('127.0.0.1', (client.address() as net.AddressInfo).port);
    const active = await channel.open({ requireSessionReuse: false, upload: false, signal: new AbortController().signal });
    await new Promise<void>((resolve) => active.end('x', resolve));
    channel.standBy();
    await tick();
    assert.equal(pool.servers.length, 0, 'after an active transfer');
    client.close();

    const port = await channel.listenPassive();
    await transfer(channel, port, 'x');
    channel.close();
    channel.standBy();
    await tick();
    assert.equal(pool.servers.length, 1, 'the session has ended');

    // A pool without room: the channel asks it, and opens nothing ahead.
    const full = new (class extends RecordingPool {
      override hasRoom(): boolean {
        return false;
      }
    })(0, 0);
    const crowded = channelWith(full).channel;
    const fullPort = await crowded.listenPassive();
    await transfer(crowded, fullPort, 'x');
    crowded.standBy();
    await tick();
    assert.equal(full.servers.length, 1, 'no room in the port range');
    crowded.close();

    // What the pool counts as room: less than half of its range in use.
    assert.equal(new PassivePortPool(0, 0).hasRoom(), true, 'an unlimited range always has room');
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const free = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const one = new PassivePortPool(free, free);
    assert.equal(one.hasRoom(), true);
    const held = await one.listen('127.0.0.1');
    assert.equal(one.hasRoom(), false, 'its one port in use: no room to open one ahead');
    await new Promise((resolve) => held.close(resolve));
    assert.equal(one.hasRoom(), true, 'room again once it closes');
  });

  test('the listener opened ahead closes when no PASV/EPSV comes, and on PORT/EPRT', async () => {
    const pool = new RecordingPool(0, 0);
    const { channel } = channelWith(pool);
    let port = await channel.listenPassive();
    await transfer(channel, port, 'x');
    channel.standBy();
    await tick();
    const unused = pool.servers[1]!;
    assert.equal(unused.listening, true);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    assert.equal(unused.listening, false, 'closed after its wait');

    port = await channel.listenPassive();
    await transfer(channel, port, 'y');
    channel.standBy();
    await tick();
    const dropped = pool.servers.at(-1)!;
    assert.equal(dropped.listening, true);
    channel.setActive('127.0.0.1', 1);
    await tick();
    assert.equal(dropped.listening, false, 'closed when the client turns to active mode');
    channel.close();
  });
});
