// The `device` attribute of an export record, HKDevice's description:
//   <<HKDevice: 0x282a45810>, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch2,4, software:4.3.1>
// Values may hold commas (hardware:Watch2,4), so a field starts only at ", word:". The 0x… part
// is a memory address that changes with every export: it is left out of `identity`, which feeds
// the derived record id.

export interface DeviceFields {
  deviceModel?: string;
  deviceManufacturer?: string;
  osVersion?: string;
  /** The description without its address, stable across exports of the same record. */
  identity: string;
}

const PREFIX = /^<<HKDevice: [^>]*>,?\s*/;
const FIELD_START = /(?:^|, )([A-Za-z]+):/g;

export function parseDevice(description: string): DeviceFields {
  let body = description.replace(PREFIX, '');
  if (body.endsWith('>')) body = body.slice(0, -1);
  const fields = new Map<string, string>();
  const starts: { key: string; keyAt: number; valueAt: number }[] = [];
  for (const match of body.matchAll(FIELD_START)) {
    starts.push({ key: match[1]!, keyAt: match.index!, valueAt: match.index! + match[0].length });
  }
  for (let k = 0; k < starts.length; k += 1) {
    const start = starts[k]!;
    const end = k + 1 < starts.length ? starts[k + 1]!.keyAt : body.length;
    fields.set(start.key, body.slice(start.valueAt, end).trim());
  }
  const result: DeviceFields = { identity: body };
  const model = nonEmpty(fields.get('hardware')) ?? nonEmpty(fields.get('model'));
  const manufacturer = nonEmpty(fields.get('manufacturer'));
  const software = nonEmpty(fields.get('software'));
  if (model !== undefined) result.deviceModel = model;
  if (manufacturer !== undefined) result.deviceManufacturer = manufacturer;
  if (software !== undefined) result.osVersion = software;
  return result;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.length === 0 ? undefined : value;
}
