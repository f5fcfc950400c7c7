// The training worker: runs the engine host and answers the page's requests (see rpc.ts).
import { hostHandlers } from './host.js';
import { Host, type Reply, type Request } from './rpc.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;
const host = new Host(hostHandlers(), (reply: Reply, transfer) => scope.postMessage(reply, transfer));
scope.onmessage = (e) => void host.receive(e.data);
