#pragma once
// Store: the one interface to MimiCom's data, whatever the backend (SQLite embedded, MongoDB
// scaled). Every backend passes store/store_conformance_test.cpp.
//
// Threads: a Store is shared by all threads; every method may be called concurrently.
// Errors: NotFound for a missing id, Conflict (field "email") for a duplicate email,
// Internal for I/O failures. Nothing is written when a method fails.
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/models/export.hpp"
#include "core/models/import.hpp"
#include "core/models/job.hpp"
#include "core/models/kpis.hpp"
#include "core/models/prospect.hpp"
#include "core/models/segmentation.hpp"
#include "core/models/user.hpp"
#include "core/prospects.hpp"

namespace mimicom {

struct NewUser {
  std::string email, name, role, password_hash;
};

struct UserPatch {
  std::optional<std::string> name, role, password_hash;
  std::optional<bool> disabled;
};

// Receives the prospect changes of read_prospect_changes, in this order: deletions, rows, tags.
struct ProspectChangeVisitor {
  std::function<void(long long id)> deleted;
  std::function<void(const KpiRowView& row)> row;  // inserted or changed; its tags follow
  std::function<void(long long id, std::string_view tag)> tag;
};

// A change applied to every prospect of a selection.
struct BulkAction {
  enum class Kind { SetStatus, AddTag, RemoveTag, Delete };
  Kind kind;
  std::string value;  // the status or the tag
};

class Store {
 public:
  virtual ~Store() = default;

  // Users. Emails are compared lower-cased.
  virtual Result<User> create_user(const NewUser& u) = 0;  // Conflict on a taken email
  virtual Result<User> get_user(long long id) = 0;
  virtual Result<UserCredentials> find_user_by_email(const std::string& email) = 0;  // NotFound
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Result<User> update_user(long long id, const UserPatch& patch) = 0;
  virtual Status delete_user(long long id) = 0;  // also ends their sessions and tokens
  virtual Result<long long> count_users() = 0;

  // Sessions, by the hash of the cookie value. get_session ignores expired ones.
  virtual Status create_session(const Session& s) = 0;
  virtual Result<Session> get_session(const std::string& token_hash, long long now) = 0;
  virtual Status delete_session(const std::string& token_hash) = 0;
  virtual Status delete_expired_sessions(long long now) = 0;

  // API tokens, by the hash of the token. find_api_token ignores revoked ones and stamps
  // last_used_at.
  virtual Result<ApiToken> create_api_token(const ApiToken& t) = 0;
  virtual Result<ApiToken> find_api_token(const std::string& token_hash, long long now) = 0;
  virtual Result<std::vector<ApiToken>> list_api_tokens(std::optional<long long> user_id) = 0;
  virtual Status revoke_api_token(long long id, std::optional<long long> user_id) = 0;

  // Prospects. create/update set updated_at (and created_at on create) when zero.
  virtual Result<Prospect> create_prospect(const Prospect& p) = 0;
  virtual Result<Prospect> get_prospect(long long id) = 0;
  virtual Result<Prospect> update_prospect(const Prospect& p) = 0;  // by p.id, every field
  virtual Status delete_prospect(long long id) = 0;
  virtual Result<ProspectPage> list_prospects(const ProspectQuery& q) = 0;
  virtual Result<long long> count_prospects(const ProspectFilter& f) = 0;
  // Applies `action` to every prospect matching `f` (an empty filter is refused by the
  // caller, not here). Returns how many prospects changed.
  virtual Result<long long> bulk_update_prospects(const ProspectFilter& f, const BulkAction& action) = 0;
  virtual Result<Facets> prospect_facets() = 0;
  // Inserts many prospects in one transaction, skipping duplicates: the same email, or for a
  // prospect without email, the same phone. Returns how many were inserted.
  virtual Result<long long> insert_prospects(std::span<const Prospect> ps) = 0;
  // The ids of the prospects matching `f`, ascending.
  virtual Result<std::vector<long long>> prospect_ids(const ProspectFilter& f) = 0;
  // What changed in prospects since revision `after` (after < 0: every prospect), read in one
  // snapshot, for indexes kept outside the store (KPIs): the prospects deleted, then the rows
  // inserted or changed, then their tags. Returns the revision reached: called again with
  // it, only later changes come. Every write of a prospect or its tags makes a new revision.
  virtual Result<long long> read_prospect_changes(long long after, const ProspectChangeVisitor& v) = 0;
  virtual Result<ImportTotals> import_totals() = 0;
  // Streams the prospects matching `f` whose id is > after_id, in id order, `chunk_rows` at a
  // time (tags and custom fields included). Each chunk is read by a keyset query (id > the
  // last id of the previous chunk) in its own short read transaction on a reader connection,
  // so memory stays bounded whatever the number of prospects and writers are never held up.
  // `each` receives the chunk and returns false to stop; it may keep the chunk by swapping
  // the vector with another one, whose elements the next chunk then overwrites (their
  // strings' memory is reused). A prospect changed while the stream runs is read as it is
  // when its chunk is read. Internal on a database error (the stream stops there).
  virtual Status stream_prospects(const ProspectFilter& f, long long after_id, long long chunk_rows,
                                  const std::function<bool(std::vector<Prospect>&)>& each) = 0;
  // Like stream_prospects, reading only what segmentation encodes (core/segment_features.hpp):
  // id, sector, region, company_size, source, status, annual_revenue, employees, job_title,
  // the custom fields when `with_custom` and the tags when `with_tags`; the other members are
  // left empty. Several times lighter than whole rows, for jobs that read every prospect twice.
  virtual Status stream_segment_features(const ProspectFilter& f, long long after_id, long long chunk_rows,
                                         bool with_tags, bool with_custom,
                                         const std::function<bool(std::vector<Prospect>&)>& each) = 0;

  // Jobs. Times are unix milliseconds, passed in (`now_ms`) so tests control the clock. The
  // methods that write a running job take its fence and fail with Conflict when that attempt
  // no longer holds the job (its lease was taken over, or the job ended).
  virtual Result<Job> create_job(const NewJob& j, long long now_ms) = 0;
  virtual Result<Job> get_job(long long id) = 0;
  virtual Result<std::pair<std::vector<Job>, long long>> list_jobs(const JobFilter& f) = 0;  // newest first, total
  // In one transaction: fails the running jobs whose lease ran out max_attempts times in a row
  // without progress,
  // cancels those that were asked to stop, then leases the oldest runnable job (queued, or
  // running with an expired lease) to `worker` until now_ms + lease_ms. nullopt: nothing to do.
  virtual Result<std::optional<Job>> lease_job(const std::string& worker, long long now_ms, long long lease_ms) = 0;
  virtual Result<JobControl> heartbeat_job(const JobFence& f, long long done, long long total, long long now_ms,
                                           long long lease_ms) = 0;
  virtual Status checkpoint_job(const JobFence& f, const std::string& checkpoint, long long done, long long total,
                                long long now_ms) = 0;
  // state: succeeded, failed or cancelled.
  virtual Status finish_job(const JobFence& f, const std::string& state, const std::string& result,
                            const std::string& error, long long now_ms) = 0;
  // Gives the job back to the queue without counting the attempt (a worker stopping cleanly).
  virtual Status release_job(const JobFence& f, long long now_ms) = 0;
  // A queued job is cancelled at once; a running one is asked to stop. Conflict when ended.
  virtual Result<Job> cancel_job(long long id, long long now_ms) = 0;
  // A failed or cancelled job goes back to the queue (resuming from its checkpoint).
  virtual Result<Job> retry_job(long long id, long long now_ms) = 0;
  // Running jobs with a live lease: (id, worker).
  virtual Result<std::vector<std::pair<long long, std::string>>> running_jobs(long long now_ms) = 0;
  // Ends the lease of a job whose worker is known dead, so it runs again at once.
  virtual Status expire_job_lease(long long id, const std::string& worker) = 0;
  virtual Status add_job_log(long long job_id, const std::string& level, const std::string& message,
                             long long now_ms) = 0;
  virtual Result<std::vector<JobLog>> job_logs(long long job_id, long long after_id, long long limit) = 0;

  // Imports.
  virtual Result<ImportFile> create_import(const ImportFile& f) = 0;
  virtual Result<ImportFile> get_import(long long id) = 0;
  virtual Result<std::vector<ImportFile>> list_imports(std::optional<long long> created_by, long long limit) = 0;
  // Records the mapping and policy and creates the import job, in one transaction. Conflict
  // when the import was started already.
  virtual Result<Job> start_import(long long import_id, const std::string& mapping, const std::string& on_duplicate,
                                   const NewJob& job, long long now_ms) = 0;
  // Writes one batch of an import job, all or nothing, together with the job's checkpoint:
  // inserts new prospects, applies the duplicate policy to those whose key (e-mail, else
  // phone) exists, stores the rejected rows. `checkpoint` gets the batch's counts and returns
  // the checkpoint text to record. Conflict (nothing written) when the fence is stale.
  virtual Result<ImportCounts> import_batch(const ImportBatch& b, const JobFence& fence,
                                            const std::function<std::string(const ImportCounts&)>& checkpoint,
                                            long long done, long long total, long long now_ms) = 0;
  // Hints for import_batch, looked up on the caller's thread (an import's reader, while the
  // writer writes the batch before it): sets the known_id of each row that has an e-mail and
  // no earlier row of the file with its key. import_batch checks a hint against the row's
  // e-mail in its own transaction before it trusts it, so a hint made stale by another writer
  // costs a look-up, never a wrong merge. A store may leave the rows as they are.
  virtual void find_known_prospects(ImportBatch&) {}
  // Bulk loads into a small base: keeping every list index up to date row by row costs a load
  // more than building them once, sorted, after it. When the base holds at most
  // `max_existing` prospects and no other job has deferred indexes, drops the indexes of
  // prospects a load does not need, the unique e-mail index and the phone index too (the
  // load then finds duplicates in memory, exactly; other writers check the e-mail rule by
  // hand, more slowly), and records them for job `job_id`, in one transaction. Returns the
  // names of the indexes deferred for `job_id` (those of an earlier attempt of the same job
  // too); empty when nothing is deferred. Queries stay right meanwhile, only slower.
  virtual Result<std::vector<std::string>> defer_prospect_indexes(long long job_id, long long max_existing) = 0;
  // Builds again the indexes job `job_id` deferred (with nullopt: those whose job ended or is
  // gone, left by a job that stopped for good), each in its own transaction, so a writer waits
  // for one index build at most. `each(name)` is called before each build. Returns how many
  // were built.
  virtual Result<long long> build_deferred_indexes(std::optional<long long> job_id,
                                                   const std::function<void(const std::string&)>& each) = 0;
  // The full-text index of prospects after a bulk load (ImportBatch::defer_search): indexes
  // the prospects left out of it, oldest first, a chunk per transaction (a writer waits for
  // one chunk at most), until none is left. Search stays right meanwhile: it scans the rows
  // not yet indexed. Runs on a thread of the store, started here unless it runs already or
  // an import still defers indexes (its end calls this again); the store starts it on opening
  // too, so a crash never leaves the index incomplete for good. With `wait`, returns when it
  // has ended (nothing left, or the store closes). Internal on a database error.
  virtual Status catch_up_search_index(bool wait) = 0;
  // Rejected rows of an import, by line, `limit` from line > after_line.
  virtual Result<std::vector<ImportReject>> import_rejects(long long import_id, long long after_line,
                                                           long long limit) = 0;

  // Exports. create_export records the export and its job (`job` gets the new export's id and
  // returns the job to create) in one transaction, and returns both (job_id set).
  virtual Result<std::pair<Export, Job>> create_export(const Export& e,
                                                       const std::function<NewJob(long long export_id)>& job,
                                                       long long now_ms) = 0;
  virtual Result<Export> get_export(long long id) = 0;  // NotFound
  virtual Result<std::vector<Export>> list_exports(std::optional<long long> created_by, long long limit) = 0;
  // Marks a pending export ready with its file, while `fence` still holds its job. Conflict
  // when it does not (the lease was taken over, the job ended) or the export is not pending.
  virtual Result<Export> finish_export(long long id, const JobFence& fence, const std::string& file_name,
                                       long long size, long long rows, long long expires_at) = 0;
  // Marks expired every ready export whose expires_at <= now, and returns them as they were
  // (their files are for the caller to delete).
  virtual Result<std::vector<Export>> expire_exports(long long now) = 0;

  // Segmentations. create_segmentation records the run and its fit job (`job` gets the new
  // run's id) in one transaction, and returns both (job_id set).
  virtual Result<std::pair<Segmentation, Job>> create_segmentation(
      const Segmentation& s, const std::function<NewJob(long long segmentation_id)>& job, long long now_ms) = 0;
  // A run with its segments, and its model when `with_model`. NotFound.
  virtual Result<Segmentation> get_segmentation(long long id, bool with_model = false) = 0;
  // The newest runs (with segments, without models), of one user or of everyone, and the total.
  virtual Result<std::pair<std::vector<Segmentation>, long long>> list_segmentations(
      std::optional<long long> created_by, long long limit, long long offset) = 0;
  // Records a finished fit in one transaction with the job's checkpoint, while `fence` holds
  // the job: the run becomes ready with its result and model, and its segments (by index,
  // ids ignored) replace any saved by an earlier attempt. Conflict when the fence is stale.
  virtual Result<Segmentation> save_segmentation_fit(long long id, const JobFence& fence, const std::string& result,
                                                     const std::string& model, const std::vector<Segment>& segments,
                                                     const std::string& checkpoint, long long done, long long total,
                                                     long long now_ms) = 0;
  // The prospects' revision now: a prospect deleted later leaves a tombstone with a greater
  // one. A job reads it before reading the prospects it will write segments for.
  virtual Result<long long> prospects_revision() = 0;
  // One batch of applying run `id`: (prospect id, segment id) pairs, in increasing prospect id
  // order across the batches, written in one transaction with the job's checkpoint while
  // `fence` holds the job (Conflict otherwise, nothing written). The pairs go to the run's
  // pending assignment, which readers do not see: until the last batch the prospects keep the
  // segments of the run applied before, whole. `first` starts a new pending assignment (one an
  // earlier attempt left is dropped). `last` puts it in place in the same transaction: every
  // prospect leaves its old segment, prospects deleted since `read_revision` are left out, and
  // the run becomes the only applied one. Conflict when a later batch finds no pending
  // assignment (it was dropped), NotFound when the run was deleted.
  struct SegmentBatch {
    bool first = false;
    bool last = false;
    long long read_revision = 0;  // prospects_revision() before the pairs' prospects were read
  };
  virtual Status write_segment_batch(long long id, const JobFence& fence, const SegmentBatch& batch,
                                     std::span<const std::pair<long long, long long>> assignments,
                                     const std::string& checkpoint, long long done, long long total,
                                     long long now_ms) = 0;
  // Creates the job that applies a ready run again (to the prospects of its filter as they are
  // now) and makes it the run's latest job. Conflict when the run is not ready.
  virtual Result<Job> start_segmentation_apply(long long id, const NewJob& job, long long now_ms) = 0;
  // A user's name (nullopt: keep; "" : back to the generated name) and description of one
  // segment of run `id`. NotFound.
  virtual Result<Segment> update_segment(long long id, long long segment_id, const std::optional<std::string>& name,
                                         const std::optional<std::string>& description) = 0;
  // Deletes a run and its segments; its prospects leave their segment. NotFound.
  virtual Status delete_segmentation(long long id) = 0;
};

// Opens the store named by `url`: a path or "sqlite:PATH" (created and migrated when new), or
// "mongodb://…" (not built yet: Error::Invalid).
Result<std::unique_ptr<Store>> open_store(const std::string& url);

}  // namespace mimicom
