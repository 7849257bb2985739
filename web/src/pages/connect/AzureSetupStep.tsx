import type { ReactNode, Ref } from 'react';
import { CodeBlock } from '../../components/CopyButton';
import { ErrorNotice, Loading } from '../../components/Feedback';
import { useApi } from '../../hooks';
import type { AzureValues } from './AzureForm';
import { StepHeading } from './WizardShell';

interface AzureSetup {
  roles: { role: string; scope: string; why: string }[];
  commands: string[];
  bicep: { files: { name: string; content: string }[]; deploy: string[]; note?: string };
}

/** What to create in Azure first (GET /api/v1/setup/azure): the role assignments, `az` commands and Bicep. */
export function AzureSetupStep(props: {
  heading: Ref<HTMLHeadingElement>;
  values: AzureValues;
  onNext: () => void;
}): ReactNode {
  const v = props.values;
  const query: Record<string, string> = { scopeType: v.scopeType };
  for (const k of ['scopeId', 'clientId', 'storageAccount', 'container'] as const)
    if (/^[A-Za-z0-9._:()-]+$/.test(v[k].trim())) query[k] = v[k].trim();
  const setup = useApi<AzureSetup>('/api/v1/setup/azure', query);
  const s = setup.data;
  const commands = s?.commands.join('\n') ?? '';
  const deploy = s?.bicep.deploy.join('\n') ?? '';
  return (
    <section className="panel" aria-labelledby="setup-title">
      <StepHeading id="setup-title" heading={props.heading}>
        Prepare Azure
      </StepHeading>
      <p className="muted">
        An app registration (service principal) with a client secret reads the export. Give it these roles
        with the <code>az</code> commands or the Bicep template below.
      </p>
      <ErrorNotice error={setup.error} onRetry={setup.reload} />
      {setup.loading && !s ? <Loading what="the setup" /> : null}
      {s ? (
        <>
          <div className="table-wrap" tabIndex={0}>
            <table className="table">
              <caption className="sr-only">Role assignments</caption>
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  <th scope="col">Scope</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {s.roles.map((r) => (
                  <tr key={r.role}>
                    <td>{r.role}</td>
                    <td>
                      <code>{r.scope}</code>
                    </td>
                    <td>{r.why}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <CodeBlock title="az commands" text={commands} />
          <h3>As a Bicep template</h3>
          {s.bicep.note ? <p className="muted">{s.bicep.note}</p> : null}
          {s.bicep.files.map((f) => (
            <CodeBlock key={f.name} title={f.name} text={f.content} />
          ))}
          <CodeBlock title="Deploy commands" text={deploy} />
        </>
      ) : null}
      <div className="row">
        <span className="spacer" />
        <button type="button" className="btn btn-primary" onClick={props.onNext}>
          Continue to the connection
        </button>
      </div>
    </section>
  );
}
