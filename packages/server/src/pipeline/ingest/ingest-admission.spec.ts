import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestAdmission } from './ingest-admission.js';

describe('IngestAdmission', () => {
  it('admits requests up to the budget, then refuses until bytes are released', () => {
    const admission = new IngestAdmission(10);
    assert.equal(admission.tryReserve(6), true);
    assert.equal(admission.tryReserve(4), true);
    assert.equal(admission.tryReserve(1), false);
    admission.release(4);
    assert.equal(admission.tryReserve(3), true);
    assert.equal(admission.bytesInFlight, 9);
  });

  it('admits one request larger than the budget when nothing else is in flight', () => {
    const admission = new IngestAdmission(10);
    assert.equal(admission.tryReserve(50), true);
    assert.equal(admission.tryReserve(1), false);
    admission.release(50);
    assert.equal(admission.bytesInFlight, 0);
    assert.equal(admission.tryReserve(1), true);
  });
});
