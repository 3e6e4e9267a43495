// SSRF protection at the network edge (the rules are domain/webhook-addresses.ts). A host name is
// resolved and every address it gives must be allowed — at registration (a clear 400) and again
// inside every connection: the sender hands this guard to node:http as its `lookup`, so the
// address checked is the address connected to, and a name re-pointed at 127.0.0.1 after it was
// registered (DNS rebinding) is refused at the send. IP literals never reach a lookup; the
// sender checks them itself, and checks the socket's remote address once connected as well.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { addressAllowed, classifyAddress, isIpLiteral } from '../domain/webhooks/addresses.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export class RefusedAddressError extends Error {
  readonly code = 'WEBHOOK_ADDRESS_REFUSED';
}

export interface AddressGuard {
  readonly allowPrivate: boolean;
  /** why the URL's host may not be sent to, or null when every address it resolves to may */
  refusal(url: URL): Promise<string | null>;
  /** why this connected address may not be sent to, or null */
  refusalOfAddress(address: string): string | null;
  /** node:net lookup hook: resolves, and fails with RefusedAddressError on a forbidden address */
  lookup: LookupFunction;
}

/** URL hostnames of IPv6 literals are bracketed; node wants them bare. */
export const bareHost = (hostname: string) => (hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname);

export function createAddressGuard(options: { allowPrivate: boolean; resolve?: Resolver }): AddressGuard {
  const resolve = options.resolve ?? systemResolver;
  const refusalOfAddress = (address: string) =>
    addressAllowed(address, options.allowPrivate) ? null : `${address} (a ${classifyAddress(address)} address)`;

  async function checkedAddresses(hostname: string): Promise<ResolvedAddress[]> {
    let addresses: ResolvedAddress[];
    try {
      addresses = await resolve(hostname);
    } catch (error) {
      throw new RefusedAddressError(`${hostname} does not resolve (${(error as { code?: string }).code ?? 'lookup failed'})`);
    }
    if (addresses.length === 0) throw new RefusedAddressError(`${hostname} does not resolve`);
    for (const { address } of addresses) {
      const refused = refusalOfAddress(address);
      if (refused) throw new RefusedAddressError(`${hostname} resolves to ${refused}`);
    }
    return addresses;
  }

  return {
    allowPrivate: options.allowPrivate,
    refusalOfAddress,
    async refusal(url) {
      const host = bareHost(url.hostname);
      if (isIpLiteral(host)) return refusalOfAddress(host);
      try {
        await checkedAddresses(host);
        return null;
      } catch (error) {
        if (error instanceof RefusedAddressError) return error.message;
        throw error;
      }
    },
    lookup: ((hostname: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      checkedAddresses(hostname).then(
        (addresses) => {
          if (lookupOptions?.all) callback(null, addresses);
          else callback(null, addresses[0]!.address, addresses[0]!.family);
        },
        (error: unknown) => callback(error),
      );
    }) as unknown as LookupFunction,
  };
}
