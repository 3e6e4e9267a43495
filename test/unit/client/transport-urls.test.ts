import { describe, expect, test } from 'bun:test';
import { resolveLocation, resolveUrl, withQuery } from '../../../src/client/transport.ts';

describe('URLs of the SDK\'s requests (string work only: React Native has no full URL class)', () => {
  test.each([
    ['http://127.0.0.1:3000', '/api/v1/health/samples', 'http://127.0.0.1:3000/api/v1/health/samples'],
    ['http://127.0.0.1:3000/', '/api/v1/health/samples', 'http://127.0.0.1:3000/api/v1/health/samples'],
    ['https://h.example/health/', '/api/v1/x', 'https://h.example/health/api/v1/x'],
    ['https://h.example', 'https://other.example/y', 'https://other.example/y'],
  ])('%p + %p', (base, path, expected) => {
    expect(resolveUrl(base, path)).toBe(expected);
  });

  test.each([
    ['http://127.0.0.1:3000', '/api/v1/health/ingest-requests/1', 'http://127.0.0.1:3000/api/v1/health/ingest-requests/1'],
    // behind a gateway that serves the service under a prefix: the service's own path goes under it …
    ['https://h.example/health', '/api/v1/health/ingest-requests/1', 'https://h.example/health/api/v1/health/ingest-requests/1'],
    // … unless the gateway already rewrote the Location to carry it
    ['https://h.example/health', '/health/api/v1/health/ingest-requests/1', 'https://h.example/health/api/v1/health/ingest-requests/1'],
    ['https://h.example/health', 'https://h.example/elsewhere', 'https://h.example/elsewhere'],
  ])('Location %p + %p', (base, location, expected) => {
    expect(resolveLocation(base, location)).toBe(expected);
  });

  test('query parameters are encoded; absent ones are left out', () => {
    expect(withQuery('/s', { metric: 'heart rate', from: '2026-11-20T07:15:00+01:00', limit: 5, cursor: undefined, minSeq: null })).toBe(
      '/s?metric=heart%20rate&from=2026-11-20T07%3A15%3A00%2B01%3A00&limit=5',
    );
    expect(withQuery('/s', {})).toBe('/s');
  });
});
