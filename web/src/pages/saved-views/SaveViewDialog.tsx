import { useState, type ReactNode } from 'react';
import { client, ok } from '../../api';
import { FormDialog } from '../../components/Modal';
import type { CostView } from '../../cost-view';
import { day } from '../../format';
import { queryFromExplorer, rangeLabel, type SavedView } from './saved-view-query';

/** "Save view" of the cost explorer: its current query under a name, private or shared, pinned or not. */
export function SaveViewDialog(props: {
  view: CostView;
  today: string;
  onSaved: (v: SavedView) => void;
  onClose: () => void;
}): ReactNode {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [fixed, setFixed] = useState(false);
  const [shared, setShared] = useState(false);
  const [pinned, setPinned] = useState(false);
  const moving = queryFromExplorer(props.view, props.today);
  const query = fixed ? queryFromExplorer(props.view, props.today, true) : moving;
  const relative = 'relative' in moving.range;
  return (
    <FormDialog
      title="Save view"
      submitLabel="Save view"
      pendingLabel="Saving…"
      blocked={!name.trim()}
      onClose={props.onClose}
      onSubmit={async () => {
        const saved = await ok(
          client.POST('/api/v1/saved-views', {
            body: {
              name: name.trim(),
              description: description.trim() || undefined,
              query,
              visibility: shared ? 'organization' : 'private',
              pinned,
            },
          }),
        );
        props.onSaved(saved);
      }}
    >
      <label className="field">
        <span>Name</span>
        <input value={name} maxLength={120} required onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        <span>Description (optional)</span>
        <input value={description} maxLength={1000} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <p className="small" data-testid="save-view-range">
        Dates: <strong>{rangeLabel(query.range, (d) => day(d, true))}</strong>
        {'relative' in query.range ? ', moving with today each time the view opens' : ', fixed'}
      </p>
      {relative ? (
        <label className="checkbox">
          <input type="checkbox" checked={fixed} onChange={(e) => setFixed(e.target.checked)} />
          Keep these exact dates ({day(props.view.from, true)} – {day(props.view.to, true)})
        </label>
      ) : null}
      <label className="checkbox">
        <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
        Share with the organization (everyone in it sees the view; only you change it)
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={pinned} onChange={(e) => setPinned(e.target.checked)} />
        Pin to the Overview
      </label>
    </FormDialog>
  );
}
