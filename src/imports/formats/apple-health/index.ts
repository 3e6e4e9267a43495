// The "apple-health" import format (CONTRACT §9): the Health app's "Export All Health Data".

import { DETECT_BYTES, type ImportFormat } from '../../format.ts';
import { AppleHealthExportReader } from './export-reader.ts';

/** A zip (PK\x03\x04), or XML whose first element or DOCTYPE is HealthData. */
const EXPORT_XML_START = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE\s+HealthData\b|<HealthData[\s>/])/;

export const appleHealthFormat: ImportFormat = {
  name: 'apple-health',
  description:
    'The Health app\'s "Export All Health Data": export.zip as the iPhone writes it, or the export.xml inside it.',
  // application/x-zip-compressed: what Windows browsers call a .zip
  contentTypes: ['application/zip', 'application/x-zip-compressed', 'application/xml', 'text/xml', 'application/octet-stream'],
  detect(firstBytes) {
    if (firstBytes.length >= 4 && firstBytes[0] === 0x50 && firstBytes[1] === 0x4b && firstBytes[2] === 0x03 && firstBytes[3] === 0x04) {
      return true;
    }
    let text = new TextDecoder('utf-8', { fatal: false }).decode(firstBytes.subarray(0, DETECT_BYTES));
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return EXPORT_XML_START.test(text);
  },
  read(chunks, options) {
    return new AppleHealthExportReader(chunks, options);
  },
};
