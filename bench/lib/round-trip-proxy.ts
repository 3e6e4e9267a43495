// A loopback TCP proxy in front of PostgreSQL that counts round trips: on each connection, a
// "turn" is the client sending again after the server has answered. Statements pipelined in one
// write (postgres.js sends several before it waits) are one turn; a client that waits for each
// answer makes one turn per statement. Point a service's DATABASE_URL at the proxy's port.
import net from 'node:net';

export interface RoundTripProxy {
  port: number;
  /** turns on every connection so far */
  turns(): number;
  /** bytes each way so far */
  bytes(): { toServer: number; toClient: number };
  stop(): void;
}

export async function startRoundTripProxy(target: { host: string; port: number }): Promise<RoundTripProxy> {
  let turns = 0;
  let toServer = 0;
  let toClient = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let answered = true;
    client.on('data', (chunk) => {
      toServer += chunk.length;
      if (answered) turns++;
      answered = false;
    });
    upstream.on('data', (chunk) => {
      toClient += chunk.length;
      answered = true;
    });
    // pipe() keeps backpressure; either side closing closes the other
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    turns: () => turns,
    bytes: () => ({ toServer, toClient }),
    stop() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
