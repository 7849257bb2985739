/**
 * The HTTP transport of every Azure SDK client of Cloudtally. It trusts the system's certificate authorities and,
 * when configured, one more (a private endpoint or TLS-inspecting proxy with its own CA; the simulator and the
 * storage emulator in tests), so that one setting reaches Entra ID, ARM, Azure Monitor and Blob Storage alike.
 */
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import {
  BlobServiceClient,
  newPipeline,
  type StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';

const agents = new Map<string, Agent>();

/** One keep-alive agent per extra CA, so connections are reused across clients. */
function agentFor(extraCaPem: string): Agent {
  let agent = agents.get(extraCaPem);
  if (!agent) {
    agent = new Agent({ keepAlive: true, ca: [...rootCertificates, extraCaPem] });
    agents.set(extraCaPem, agent);
  }
  return agent;
}

/** An HTTP client for the Azure SDK clients (identity, ARM, Monitor); with `extraCaPem`, TLS also trusts that CA. */
export function azureHttpClient(extraCaPem?: string): HttpClient {
  const base = createDefaultHttpClient();
  if (!extraCaPem) return base;
  const agent = agentFor(extraCaPem);
  return {
    sendRequest(request) {
      request.agent = agent;
      return base.sendRequest(request);
    },
  };
}

/**
 * A Blob Storage service client. The storage client takes its transport as a request policy (its `httpClient`
 * option is of an older interface), so the extra CA goes in through a policy that sets the request's agent.
 */
export function blobServiceClient(
  url: string,
  credential: TokenCredential | StorageSharedKeyCredential,
  options: { extraCaPem?: string; pipeline?: StoragePipelineOptions } = {},
): BlobServiceClient {
  const pipeline = newPipeline(credential, options.pipeline);
  const { extraCaPem } = options;
  if (extraCaPem) {
    const agent = agentFor(extraCaPem);
    pipeline.factories.unshift({
      create: (next) => ({
        sendRequest(request) {
          request.agent = agent;
          return next.sendRequest(request);
        },
      }),
    });
  }
  return new BlobServiceClient(url, pipeline);
}
