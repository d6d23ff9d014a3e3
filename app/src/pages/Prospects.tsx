// The prospect grid: server-side search, filters, sorting and pagination, all kept in the
// URL; add / edit / delete one prospect; select rows (or everything matching the filter)
// and run a bulk action on them.
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import * as api from '../api';
import type { ListMeta } from '../api';
import { formatDate, formatNumber, t, tn, useLang, type MessageKey } from '../i18n';
import {
  COMPANY_SIZES, PAGE_SIZES, STATUSES, displayName, formatPhone, hasFilters, parseQuery, queryToBulkFilter, queryToParams,
  type BulkAction, type BulkRequest, type Facets, type FilterKey, type Prospect, type ProspectQuery, type Status,
} from '../models/prospect';
import { navigate, useLocation } from '../router';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { DayFilter } from '../components/DayFilter';
import { DebouncedInput } from '../components/DebouncedInput';
import { ExportDialog } from '../components/ExportDialog';
import { FacetFilter, type FacetOption } from '../components/FacetFilter';
import { ProspectForm } from '../components/ProspectForm';
import { SegmentFilterChips } from '../components/SegmentFilterChips';
import { describeError } from '../components/errors';

interface Column {
  key: string;
  label: MessageKey;
  /** The API sort field, when the column can be sorted. */
  sort?: string;
  render: (p: Prospect) => ReactNode;
  className?: string;
}

const plain = (k: keyof Prospect) => (p: Prospect) => (p[k] as string | null) ?? '';

export function Prospects() {
  useLang();
  const { search } = useLocation();
  const query = useMemo(() => parseQuery(search), [search]);
  const listKey = queryToParams(query).toString();

  const [list, setList] = useState<{ items: Prospect[]; meta: ListMeta } | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState('');
  const [facets, setFacets] = useState<Facets>({});
  const [reload, setReload] = useState(0);

  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [exporting, setExporting] = useState(false);
  const [allMatching, setAllMatching] = useState(false);
  const [editing, setEditing] = useState<Prospect | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Prospect | null>(null);
  const [toast, setToast] = useState('');

  const setQuery = useCallback(
    (patch: Partial<Omit<ProspectQuery, 'filters'>> & { filters?: Partial<ProspectQuery['filters']> }, opts: { push?: boolean } = {}) => {
      const current = parseQuery(window.location.search);
      const next: ProspectQuery = {
        ...current,
        ...patch,
        filters: { ...current.filters, ...patch.filters },
        // Any change of filter, search, sort or page size starts again at page 1.
        page: patch.page ?? 1,
      };
      const qs = queryToParams(next, true).toString();
      navigate(`/prospects${qs ? `?${qs}` : ''}`, { replace: !opts.push });
    },
    [],
  );

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    api.listProspects(query, ctrl.signal).then(
      (res) => {
        setList(res);
        setLoadError('');
        setLoading(false);
      },
      (e) => {
        if (ctrl.signal.aborted) return;
        setLoadError(describeError(e));
        setLoading(false);
      },
    );
    return () => ctrl.abort();
    // listKey stands for `query`, which is rebuilt on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [listKey, reload]);

  useEffect(() => {
    const ctrl = new AbortController();
    api.prospectFacets(ctrl.signal).then(setFacets, () => {
      // Filters still work without suggestions; the grid shows its own error if the API is down.
    });
    return () => ctrl.abort();
  }, [reload]);

  // A selection belongs to one view: it is dropped when the list changes.
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [listKey]);

  useEffect(() => {
    if (!toast) return;
    const id = window.setTimeout(() => setToast(''), 4000);
    return () => window.clearTimeout(id);
  }, [toast]);

  const total = list?.meta.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / query.per_page));
  const items = list?.items ?? [];

  // After deleting the last rows of the last page, step back to a page that exists.
  useEffect(() => {
    if (list && !loading && query.page > pages && total > 0) setQuery({ page: pages });
  }, [list, loading, query.page, pages, total, setQuery]);

  const refresh = () => setReload((n) => n + 1);

  const columns: Column[] = [
    {
      key: 'name',
      label: 'field.name',
      sort: 'last_name',
      className: 'col-name',
      render: (p) => (
        <button type="button" className="link-button" onClick={() => setEditing(p)}>
          {displayName(p) || t('prospects.unnamed')}
        </button>
      ),
    },
    { key: 'company', label: 'field.company', sort: 'company', render: plain('company'), className: 'col-strong' },
    { key: 'job_title', label: 'field.job_title', sort: 'job_title', render: plain('job_title') },
    { key: 'email', label: 'field.email', sort: 'email', render: plain('email') },
    { key: 'phone', label: 'field.phone', render: (p) => formatPhone(p.phone), className: 'nowrap' },
    { key: 'sector', label: 'field.sector', sort: 'sector', render: plain('sector') },
    { key: 'city', label: 'field.city', sort: 'city', render: plain('city') },
    { key: 'region', label: 'field.region', sort: 'region', render: plain('region') },
    { key: 'company_size', label: 'grid.company_size', sort: 'company_size', render: plain('company_size'), className: 'nowrap' },
    {
      key: 'status',
      label: 'field.status',
      sort: 'status',
      render: (p) => (
        <>
          <span className={`badge status-${p.status}`}>{STATUSES.includes(p.status) ? t(`status.${p.status}`) : p.status}</span>
          {p.opted_out && <span className="badge badge-muted">{t('prospects.optedOut')}</span>}
        </>
      ),
    },
    {
      key: 'tags',
      label: 'field.tags',
      render: (p) => (p.tags ?? []).map((tag) => (
        <span key={tag} className="chip chip-small">
          {tag}
        </span>
      )),
    },
    { key: 'owner', label: 'field.owner', sort: 'owner', render: plain('owner'), className: 'col-owner' },
    { key: 'created_at', label: 'field.created_at', sort: 'created_at', render: (p) => formatDate(p.created_at), className: 'nowrap' },
  ];

  const toggleSort = (field: string) => {
    setQuery({ sort: query.sort === field ? `-${field}` : field });
  };

  const facetOptions = (name: FilterKey): FacetOption[] => {
    const counts = new Map((facets[name as keyof Facets] ?? []).map((f) => [f.value, f.count]));
    if (name === 'status') return STATUSES.map((s) => ({ value: s, label: t(`status.${s}`), count: counts.get(s) }));
    if (name === 'company_size') return COMPANY_SIZES.map((s) => ({ value: s, label: t(`size.${s}`), count: counts.get(s) }));
    return (facets[name as keyof Facets] ?? []).map((f) => ({ value: f.value, label: f.value, count: f.count }));
  };

  const facetFilter = (name: FilterKey, label: MessageKey) => (
    <FacetFilter
      key={name}
      name={name}
      label={t(label)}
      options={facetOptions(name)}
      selected={query.filters[name]}
      onChange={(values) => setQuery({ filters: { [name]: values } })}
    />
  );

  const pageIds = items.map((p) => p.id);
  const pageAllSelected = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const selectionCount = allMatching ? total : selected.size;

  const toggleRow = (id: number) => {
    setAllMatching(false);
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const togglePage = () => {
    setAllMatching(false);
    setSelected(pageAllSelected ? new Set() : new Set(pageIds));
  };
  const clearSelection = () => {
    setSelected(new Set());
    setAllMatching(false);
  };

  const runBulk = async (action: BulkAction, value?: string) => {
    const req: BulkRequest = allMatching
      ? { filter: queryToBulkFilter(query), action, ...(value !== undefined ? { value } : {}) }
      : { ids: [...selected], action, ...(value !== undefined ? { value } : {}) };
    const affected = await api.bulkProspects(req);
    clearSelection();
    setToast(tn(action === 'delete' ? 'bulk.deleted' : 'bulk.done', affected));
    refresh();
  };

  return (
    <div className="prospects-page">
      <div className="page-head">
        <h1>{t('prospects.title')}</h1>
        <span className="total" data-testid="total">
          {list ? tn('prospects.total', total) : ''}
        </span>
        <div className="spacer" />
        <label className="search">
          <span className="visually-hidden">{t('prospects.search')}</span>
          <DebouncedInput
            type="search"
            value={query.q}
            onCommit={(q) => setQuery({ q })}
            placeholder={t('prospects.searchPlaceholder')}
            aria-label={t('prospects.search')}
          />
        </label>
        <button type="button" className="btn" onClick={() => setExporting(true)} disabled={total === 0}>
          {t('export.button')}
        </button>
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          + {t('prospects.add')}
        </button>
      </div>

      <div className="filters">
        {facetFilter('status', 'field.status')}
        {facetFilter('sector', 'field.sector')}
        {facetFilter('region', 'field.region')}
        <label className={`facet facet-input ${query.filters.city.length ? 'facet-active' : ''}`}>
          <span className="facet-label">{t('field.city')}</span>
          <DebouncedInput
            value={query.filters.city.join(',')}
            onCommit={(v) => setQuery({ filters: { city: v.split(',').map((s) => s.trim()).filter(Boolean) } })}
            placeholder={t('filter.cityPlaceholder')}
          />
        </label>
        {facetFilter('company_size', 'field.company_size')}
        {facetFilter('tags', 'field.tags')}
        {facetFilter('owner', 'field.owner')}
        {facetFilter('source', 'field.source')}
        <DayFilter name="created_from" label={t('filter.createdFrom')} value={query.created_from} onChange={(v) => setQuery({ created_from: v })} />
        <DayFilter name="created_to" label={t('filter.createdTo')} value={query.created_to} onChange={(v) => setQuery({ created_to: v })} />
        {(query.contacted_from || query.contacted_to) && (
          <>
            <DayFilter name="contacted_from" label={t('filter.contactedFrom')} value={query.contacted_from} onChange={(v) => setQuery({ contacted_from: v })} />
            <DayFilter name="contacted_to" label={t('filter.contactedTo')} value={query.contacted_to} onChange={(v) => setQuery({ contacted_to: v })} />
          </>
        )}
        <SegmentFilterChips ids={query.filters.segment} onChange={(segment) => setQuery({ filters: { segment } })} />
        {hasFilters(query) && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => navigate('/prospects', { replace: true })}>
            {t('prospects.clearFilters')}
          </button>
        )}
      </div>

      {selectionCount > 0 && (
        <BulkBar
          count={selectionCount}
          // The API refuses a bulk action on an empty filter (everything), so "all matching"
          // is offered only when a filter narrows the list.
          pageAllSelected={pageAllSelected && !allMatching && total > pageIds.length && hasFilters(query)}
          pageCount={pageIds.length}
          total={total}
          allMatching={allMatching}
          tags={(facets.tags ?? []).map((f) => f.value)}
          onSelectAllMatching={() => setAllMatching(true)}
          onClear={clearSelection}
          onRun={runBulk}
        />
      )}

      {exporting && (
        <ExportDialog
          // Ticked rows are exported as a selection; "all matching" and no selection export the filter.
          ids={!allMatching && selected.size > 0 ? [...selected] : null}
          filter={queryToBulkFilter(query)}
          count={!allMatching && selected.size > 0 ? selected.size : total}
          onClose={() => setExporting(false)}
          onStarted={() => {
            setExporting(false);
            navigate('/exports');
          }}
        />
      )}
      {toast && (
        <div className="alert alert-success" role="status">
          {toast}
        </div>
      )}
      {loadError && (
        <div className="alert alert-error" role="alert">
          {loadError}
        </div>
      )}

      <div className={`table-wrap ${loading ? 'is-loading' : ''}`} aria-busy={loading}>
        <table className="grid-table">
          <thead>
            <tr>
              <th className="col-check">
                <input type="checkbox" aria-label={t('prospects.selectPage')} checked={pageAllSelected || allMatching} onChange={togglePage} disabled={!pageIds.length} />
              </th>
              {columns.map((c) => {
                const dir = c.sort && query.sort === c.sort ? 'ascending' : c.sort && query.sort === `-${c.sort}` ? 'descending' : undefined;
                return (
                  <th key={c.key} aria-sort={dir} className={c.className}>
                    {c.sort ? (
                      <button type="button" className="sort-button" onClick={() => toggleSort(c.sort!)}>
                        {t(c.label)}
                        <span className="sort-mark" aria-hidden="true">
                          {dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : ''}
                        </span>
                      </button>
                    ) : (
                      t(c.label)
                    )}
                  </th>
                );
              })}
              <th className="col-actions">
                <span className="visually-hidden">{t('prospects.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => {
              const name = displayName(p) || t('prospects.unnamed');
              const isSelected = allMatching || selected.has(p.id);
              return (
                <tr key={p.id} className={isSelected ? 'selected' : ''} data-prospect-id={p.id}>
                  <td className="col-check">
                    <input type="checkbox" aria-label={t('prospects.selectRow', { name })} checked={isSelected} onChange={() => toggleRow(p.id)} />
                  </td>
                  {columns.map((c) => {
                    const content = c.render(p);
                    // Long text is cut with an ellipsis; the full value shows on hover.
                    return (
                      <td key={c.key} className={c.className} data-col={c.key} title={typeof content === 'string' && content ? content : undefined}>
                        {content}
                      </td>
                    );
                  })}
                  <td className="col-actions">
                    <button type="button" className="btn btn-small" onClick={() => setEditing(p)}>
                      {t('prospects.edit')}
                    </button>
                    <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setDeleting(p)}>
                      {t('prospects.delete')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {list && items.length === 0 && !loading && (
          <div className="empty">
            {hasFilters(query) ? t('prospects.empty') : t('prospects.emptyAll')}
          </div>
        )}
      </div>

      <div className="pager">
        <label className="per-page">
          {t('prospects.perPage')}
          <select value={query.per_page} onChange={(e) => setQuery({ per_page: Number(e.target.value) })}>
            {(PAGE_SIZES as readonly number[]).includes(query.per_page) ? null : <option value={query.per_page}>{query.per_page}</option>}
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <div className="spacer" />
        <button type="button" className="btn btn-small" disabled={query.page <= 1} onClick={() => setQuery({ page: 1 }, { push: true })}>
          {t('prospects.first')}
        </button>
        <button type="button" className="btn btn-small" disabled={query.page <= 1} onClick={() => setQuery({ page: query.page - 1 }, { push: true })}>
          {t('prospects.prev')}
        </button>
        <span className="page-of">{t('prospects.page', { page: formatNumber(query.page), pages: formatNumber(pages) })}</span>
        <button type="button" className="btn btn-small" disabled={query.page >= pages} onClick={() => setQuery({ page: query.page + 1 }, { push: true })}>
          {t('prospects.next')}
        </button>
        <button type="button" className="btn btn-small" disabled={query.page >= pages} onClick={() => setQuery({ page: pages }, { push: true })}>
          {t('prospects.last')}
        </button>
      </div>

      {editing && (
        <ProspectForm
          prospect={editing === 'new' ? null : editing}
          facets={facets}
          onClose={() => setEditing(null)}
          onSaved={(_, created) => {
            setEditing(null);
            setToast(t(created ? 'prospects.created' : 'prospects.updated'));
            refresh();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('prospects.deleteTitle')}
          text={t('prospects.deleteText', { name: displayName(deleting) || t('prospects.unnamed') })}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            await api.deleteProspect(deleting.id);
            setDeleting(null);
            setToast(t('prospects.deleted'));
            refresh();
          }}
        />
      )}
    </div>
  );
}

function BulkBar({ count, pageAllSelected, pageCount, total, allMatching, tags, onSelectAllMatching, onClear, onRun }: {
  count: number;
  pageAllSelected: boolean;
  pageCount: number;
  total: number;
  allMatching: boolean;
  tags: string[];
  onSelectAllMatching: () => void;
  onClear: () => void;
  onRun: (action: BulkAction, value?: string) => Promise<void>;
}) {
  const [action, setAction] = useState<BulkAction | ''>('');
  const [status, setStatus] = useState<Status>('contacted');
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [confirming, setConfirming] = useState(false);

  const needsTag = action === 'add_tag' || action === 'remove_tag';
  const canApply = action !== '' && (!needsTag || tag.trim() !== '') && !busy;

  const run = async () => {
    if (action === '') return;
    setBusy(true);
    setError('');
    try {
      await onRun(action, action === 'set_status' ? status : needsTag ? tag.trim() : undefined);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="bulk-bar" role="region" aria-label={t('bulk.action')}>
      <strong data-testid="selection-count">{tn('bulk.selected', count)}</strong>
      {pageAllSelected && (
        <span className="bulk-all">
          {t('bulk.pageAllSelected', { n: pageCount })}{' '}
          <button type="button" className="link-button" onClick={onSelectAllMatching}>
            {t('bulk.selectAllMatching', { n: formatNumber(total) })}
          </button>
        </span>
      )}
      {allMatching && <span className="bulk-all">{t('bulk.allMatchingSelected', { n: formatNumber(total) })}</span>}
      <select aria-label={t('bulk.action')} value={action} onChange={(e) => setAction(e.target.value as BulkAction | '')}>
        <option value="">{t('bulk.chooseAction')}</option>
        <option value="set_status">{t('bulk.setStatus')}</option>
        <option value="add_tag">{t('bulk.addTag')}</option>
        <option value="remove_tag">{t('bulk.removeTag')}</option>
        <option value="delete">{t('bulk.delete')}</option>
      </select>
      {action === 'set_status' && (
        <select aria-label={t('field.status')} value={status} onChange={(e) => setStatus(e.target.value as Status)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
      )}
      {needsTag && (
        <>
          <input aria-label={t('field.tags')} placeholder={t('bulk.tagPlaceholder')} value={tag} list="bulk-tags" onChange={(e) => setTag(e.target.value)} />
          <datalist id="bulk-tags">
            {tags.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        </>
      )}
      <button
        type="button"
        className={`btn btn-small ${action === 'delete' ? 'btn-danger' : 'btn-primary'}`}
        disabled={!canApply}
        onClick={() => (action === 'delete' ? setConfirming(true) : run())}
      >
        {t('bulk.apply')}
      </button>
      <button type="button" className="btn btn-ghost btn-small" onClick={onClear}>
        {t('bulk.clear')}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
      {confirming && (
        <ConfirmDialog
          title={t('bulk.deleteTitle', { n: formatNumber(count) })}
          text={t('bulk.deleteText')}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            await onRun('delete');
            setConfirming(false);
          }}
        />
      )}
    </div>
  );
}
