#pragma once
// IndexPages: lays out the b-tree of a SQLite index from its records in the index's order,
// page by page, in SQLite's file format (https://sqlite.org/fileformat2.html, "B-tree Pages"),
// for pages written in bulk through the sqlite_dbpage table.
//
// The tree is built bottom-up, as SQLite's b-trees for indexes are B-trees (not B+trees): an
// interior cell is a record of the index, between the records of its left child and those of
// the next. Leaves are filled until the next record does not fit; that record moves up as the
// divider, and the next leaf starts after it. Interior levels are built the same way from the
// level below, until one page is left: that page is written as the index's root page, whose
// number the schema already holds; every other page takes the next number from `first_new` on
// (the page that holds the file's pending byte, which SQLite never uses, skipped). No page is
// left without a cell except a root that is an empty leaf, which is then not written.
//
// What it does not do: overflow pages. A record must fit in a page's local payload
// (max_local(usable)); the caller sends longer ones elsewhere.
//
// Threads: one object is used by one thread.
#include <cstdint>
#include <functional>
#include <vector>

namespace mimicom {

class IndexPages {
 public:
  // Writes page `number` (page_size bytes); throws to abandon the tree (nothing is undone).
  using Sink = std::function<void(uint32_t number, const uint8_t* page)>;

  // page_size: a power of two from 512 to 65536; usable: page_size less the bytes each page
  // reserves at its end (the database header's byte 20).
  IndexPages(uint32_t page_size, uint32_t usable, uint32_t root, uint32_t first_new, Sink sink);

  // The largest record (its payload) a page of an index holds without overflow pages.
  static uint32_t max_local(uint32_t usable) { return (usable - 12) * 64 / 255 - 23; }

  // Adds the next record, in the index's order (nothing checks it). std::invalid_argument if
  // it is longer than max_local().
  void add(const uint8_t* record, uint32_t size);

  // Writes the pages not written yet. Returns the highest page number written beyond the root,
  // 0 when the root alone was written or nothing (no record). Once.
  uint32_t finish();

 private:
  // A page being filled: cells from its end down, their pointers after the header.
  struct Page {
    std::vector<uint8_t> bytes;
    uint32_t header = 0;  // 8 for a leaf, 12 for an interior page
    uint32_t cells = 0;
    uint32_t content = 0;  // where the cells start
    uint32_t last_size = 0;  // the bytes of the last cell added
  };
  // A page of the level being built and the record that follows it in the index (none for
  // the level's last page).
  struct Entry {
    uint32_t child;
    uint32_t offset, size;  // of the record in the level's arena
  };

  void start(Page& p, bool leaf);
  bool fits(const Page& p, uint32_t cell) const;
  uint8_t* add_cell(Page& p, uint32_t cell);
  void pop_cell(Page& p, std::vector<uint8_t>& arena, uint32_t& offset, uint32_t& size, uint32_t* child);
  void close(Page& p, bool leaf, uint32_t right_child);
  void put_leaf_record(const uint8_t* record, uint32_t size);
  void write_leaf(uint32_t offset, uint32_t size);
  uint32_t take_number();
  void write(uint32_t number, const Page& p);

  uint32_t page_size_, usable_, root_, next_, pending_;
  Sink sink_;
  uint32_t max_local_;
  Page leaf_;
  uint64_t records_ = 0;
  bool finished_ = false;
  bool held_ = false;                  // a record came that the leaf could not hold
  std::vector<uint8_t> held_record_;
  std::vector<Entry> entries_;  // the leaves written, each with its divider
  std::vector<uint8_t> arena_;  // the dividers' records
};

}  // namespace mimicom
