import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentHash, EMPTY_CONTENT_HASH, preSignString, signRequest } from '../../../src/exchange/bittrex/signRequest.js';

type SigningVector = {
  example_api_key: string;
  example_timestamp: string;
  example_uri: string;
  example_method: string;
  content_hash_of_empty_body: string;
  example_subaccount_id: string;
  presign_no_subaccount: string;
  presign_with_subaccount: string;
};
const vectors = JSON.parse(readFileSync(new URL('../../fixtures/vectors/bittrex.json', import.meta.url), 'utf8')) as {
  signing: SigningVector;
};
const v = vectors.signing;

describe('Bittrex v3 signing recipe (spec vector)', () => {
  it('content hash of the empty body is the published SHA-512 of ""', () => {
    expect(contentHash('')).toBe(v.content_hash_of_empty_body);
    expect(EMPTY_CONTENT_HASH).toBe(v.content_hash_of_empty_body);
  });

  it('pre-sign string without subaccount matches the spec example', () => {
    const s = preSignString({
      timestamp: v.example_timestamp,
      url: v.example_uri,
      method: 'get',
      contentHash: v.content_hash_of_empty_body,
    });
    expect(s).toBe(v.presign_no_subaccount);
  });

  it('pre-sign string with subaccount matches the spec example', () => {
    const s = preSignString({
      timestamp: v.example_timestamp,
      url: v.example_uri,
      method: v.example_method,
      contentHash: v.content_hash_of_empty_body,
      subaccountId: v.example_subaccount_id,
    });
    expect(s).toBe(v.presign_with_subaccount);
  });

  it('signRequest produces the headers of the recipe (HMAC over the vector pre-sign string)', () => {
    const apiSecret = 'team-own-test-secret';
    const h = signRequest({
      apiKey: v.example_api_key,
      apiSecret,
      timestampMs: Number(v.example_timestamp),
      url: v.example_uri,
      method: 'GET',
    });
    expect(h['Api-Key']).toBe(v.example_api_key);
    expect(h['Api-Timestamp']).toBe(v.example_timestamp);
    expect(h['Api-Content-Hash']).toBe(v.content_hash_of_empty_body);
    expect(h['Api-Signature']).toBe(createHmac('sha512', apiSecret).update(v.presign_no_subaccount).digest('hex'));
    expect(h['Api-Subaccount-Id']).toBeUndefined();
    const withSub = signRequest({
      apiKey: 'k',
      apiSecret,
      timestampMs: Number(v.example_timestamp),
      url: v.example_uri,
      method: 'GET',
      subaccountId: v.example_subaccount_id,
    });
    expect(withSub['Api-Subaccount-Id']).toBe(v.example_subaccount_id);
    expect(withSub['Api-Signature']).toBe(createHmac('sha512', apiSecret).update(v.presign_with_subaccount).digest('hex'));
  });

  it('hashes the exact body bytes (a re-ordered body gives another hash)', () => {
    const body = '{"currencySymbol":"BTS","quantity":"1.00000"}';
    const h = signRequest({ apiKey: 'k', apiSecret: 's', timestampMs: 1, url: 'http://x/v3/withdrawals', method: 'post', body });
    expect(h['Api-Content-Hash']).toBe(createHash('sha512').update(body).digest('hex'));
    expect(h['Api-Content-Hash']).not.toBe(contentHash('{"quantity":"1.00000","currencySymbol":"BTS"}'));
    // The method is signed in capitals whatever the caller passes.
    expect(h['Api-Signature']).toBe(createHmac('sha512', 's').update(`1http://x/v3/withdrawalsPOST${h['Api-Content-Hash']}`).digest('hex'));
  });

  it('refuses a timestamp that is not integer milliseconds', () => {
    expect(() => signRequest({ apiKey: 'k', apiSecret: 's', timestampMs: 1.5, url: 'http://x', method: 'GET' })).toThrow(TypeError);
  });
});
