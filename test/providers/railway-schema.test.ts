import { describe, expect, it } from '@jest/globals';
import { RAILWAY_DOCUMENTS } from '../../src/providers/railway-api.js';
import { RAILWAY_HISTORY_DOCUMENTS } from '../../src/providers/railway-history.js';
import { railwayDocumentErrors } from '../helpers/railway-server.js';

const ALL_DOCUMENTS = { ...RAILWAY_DOCUMENTS, ...RAILWAY_HISTORY_DOCUMENTS };

describe('Railway GraphQL documents', () => {
  it('sends at least the operations issue 3 names', () => {
    const all = Object.values(ALL_DOCUMENTS).join('\n');
    for (const op of [
      'projectToken',
      'serviceInstance',
      'latestDeployment',
      'deploymentRestart',
      'deploymentRedeploy',
      'serviceInstanceRedeploy',
      'deployment(',
      'deployments(',
      'deploymentLogs',
      'deploymentRollback',
    ]) {
      expect(all).toContain(op);
    }
  });

  it.each(Object.entries(ALL_DOCUMENTS))(
    '%s validates against schemas/railway/schema.json',
    (_name, document) => {
      expect(railwayDocumentErrors(document)).toEqual([]);
    },
  );

  it("catches the invalid documents from Railway's own docs (so the check can fail)", () => {
    // A subselection on deploymentRollback, which returns Boolean! (PROVENANCE.md).
    expect(railwayDocumentErrors('mutation { deploymentRollback(id: "x") { id } }')).not.toEqual([]);
    expect(railwayDocumentErrors('query { deployment(id: "x") { statusX } }')).not.toEqual([]);
  });
});
