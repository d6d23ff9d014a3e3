#include "store/sqlite/index_pages.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace mimicom {
namespace {

constexpr uint8_t kIndexLeaf = 0x0A;
constexpr uint8_t kIndexInterior = 0x02;
constexpr uint32_t kPendingByte = 0x40000000;  // SQLite's default; never set otherwise here

void put2(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put4(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
uint32_t get4(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

// A cell's payload size: a varint of at most 2 bytes here (payloads under 16384 bytes).
uint32_t size_bytes(uint32_t n) { return n < 0x80 ? 1 : 2; }
uint8_t* put_size(uint8_t* p, uint32_t n) {
  if (n < 0x80) {
    *p = static_cast<uint8_t>(n);
    return p + 1;
  }
  p[0] = static_cast<uint8_t>(0x80 | (n >> 7));
  p[1] = static_cast<uint8_t>(n & 0x7F);
  return p + 2;
}
const uint8_t* get_size(const uint8_t* p, uint32_t& n) {
  if (p[0] < 0x80) {
    n = p[0];
    return p + 1;
  }
  n = (static_cast<uint32_t>(p[0] & 0x7F) << 7) | (p[1] & 0x7F);
  return p + 2;
}

// A leaf cell is the payload's size and the payload, at least 4 bytes (SQLite counts a smaller
// one as 4); an interior cell has its left child's number before them.
uint32_t leaf_cell(uint32_t record) { return std::max<uint32_t>(4, size_bytes(record) + record); }
uint32_t interior_cell(uint32_t record) { return 4 + size_bytes(record) + record; }

}  // namespace

IndexPages::IndexPages(uint32_t page_size, uint32_t usable, uint32_t root, uint32_t first_new, Sink sink)
    : page_size_(page_size),
      usable_(usable),
      root_(root),
      next_(first_new),
      pending_(kPendingByte / page_size + 1),
      sink_(std::move(sink)),
      max_local_(max_local(usable)) {
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0 || usable < 480 ||
      usable > page_size)
    throw std::invalid_argument("page size");
  start(leaf_, true);
}

void IndexPages::start(Page& p, bool leaf) {
  p.bytes.assign(page_size_, 0);
  p.header = leaf ? 8 : 12;
  p.cells = 0;
  p.content = usable_;
  p.last_size = 0;
}

bool IndexPages::fits(const Page& p, uint32_t cell) const { return p.header + 2 * (p.cells + 1) + cell <= p.content; }

uint8_t* IndexPages::add_cell(Page& p, uint32_t cell) {
  p.content -= cell;
  put2(p.bytes.data() + p.header + 2 * p.cells, p.content);
  ++p.cells;
  p.last_size = cell;
  return p.bytes.data() + p.content;
}

// Takes the last cell added off `p` (its bytes were the lowest of the content), appending its
// record to `arena`.
void IndexPages::pop_cell(Page& p, std::vector<uint8_t>& arena, uint32_t& offset, uint32_t& size, uint32_t* child) {
  if (p.cells < 2 || p.last_size == 0) throw std::logic_error("a page left without cells");
  const uint8_t* cell = p.bytes.data() + p.content;
  if (child) {
    *child = get4(cell);
    cell += 4;
  }
  const uint8_t* record = get_size(cell, size);
  offset = static_cast<uint32_t>(arena.size());
  arena.insert(arena.end(), record, record + size);
  std::memset(p.bytes.data() + p.content, 0, p.last_size);
  p.content += p.last_size;
  --p.cells;
  put2(p.bytes.data() + p.header + 2 * p.cells, 0);
  p.last_size = 0;  // the one before is not known: one pop per page
}

// The header: type, no free block, the cell count, where the cells start (0 for 65536), no
// fragmented bytes, and an interior page's right-most child.
void IndexPages::close(Page& p, bool leaf, uint32_t right_child) {
  uint8_t* b = p.bytes.data();
  b[0] = leaf ? kIndexLeaf : kIndexInterior;
  put2(b + 1, 0);
  put2(b + 3, p.cells);
  put2(b + 5, p.content == 65536 ? 0 : p.content);
  b[7] = 0;
  if (!leaf) put4(b + 8, right_child);
}

uint32_t IndexPages::take_number() {
  if (next_ == pending_) ++next_;
  if (next_ == 0 || next_ == root_) throw std::logic_error("page numbers");
  return next_++;
}

void IndexPages::write(uint32_t number, const Page& p) { sink_(number, p.bytes.data()); }

// Into the leaf being filled (its bytes past the record are zero: a page starts zeroed).
void IndexPages::put_leaf_record(const uint8_t* record, uint32_t size) {
  std::memcpy(put_size(add_cell(leaf_, leaf_cell(size)), size), record, size);
}

// Writes the leaf being filled, with the record that follows it (offset, size in arena_), and
// starts the next.
void IndexPages::write_leaf(uint32_t offset, uint32_t size) {
  close(leaf_, true, 0);
  uint32_t number = take_number();
  write(number, leaf_);
  entries_.push_back({number, offset, size});
  start(leaf_, true);
}

void IndexPages::add(const uint8_t* record, uint32_t size) {
  if (finished_) throw std::logic_error("add after finish");
  if (size > max_local_) throw std::invalid_argument("a record longer than a page's local payload");
  if (held_) {
    // A record follows the one held after the full leaf: that one is the leaf's divider.
    const auto offset = static_cast<uint32_t>(arena_.size());
    arena_.insert(arena_.end(), held_record_.begin(), held_record_.end());
    write_leaf(offset, static_cast<uint32_t>(held_record_.size()));
    held_ = false;
  }
  ++records_;
  if (!fits(leaf_, leaf_cell(size))) {
    // The record after a full leaf is its divider, if another record comes after it (else
    // the leaf's own last record is: see finish()).
    held_record_.assign(record, record + size);
    held_ = true;
    return;
  }
  put_leaf_record(record, size);
}

uint32_t IndexPages::finish() {
  if (finished_) throw std::logic_error("finish twice");
  finished_ = true;
  if (held_) {
    // The last record came after a full leaf: that leaf's own last record is the divider, and
    // the held one makes the last leaf.
    uint32_t offset, size;
    pop_cell(leaf_, arena_, offset, size, nullptr);
    write_leaf(offset, size);
    put_leaf_record(held_record_.data(), static_cast<uint32_t>(held_record_.size()));
    held_ = false;
  }
  if (records_ == 0) return 0;
  if (entries_.empty()) {
    close(leaf_, true, 0);
    write(root_, leaf_);
    return 0;
  }
  write_leaf(0, 0);  // the last leaf: no record after it
  leaf_.bytes = {};
  uint32_t highest = entries_.back().child;

  // Each level above: pages of cells (child, divider), the right-most child in the header.
  std::vector<Entry> level = std::move(entries_);
  std::vector<uint8_t> arena = std::move(arena_);
  while (true) {
    std::vector<Page> pages;
    std::vector<Entry> up;
    std::vector<uint8_t> up_arena;
    std::vector<uint32_t> right;  // per page
    const size_t last = level.size() - 1;
    size_t j = 0;
    while (j <= last) {
      pages.emplace_back();
      Page& p = pages.back();
      start(p, false);
      size_t k = j;
      for (;;) {
        if (k == last) {
          right.push_back(level[k].child);
          up.push_back({0, 0, 0});
          j = last + 1;
          break;
        }
        const Entry& e = level[k];
        uint32_t cell = interior_cell(e.size);
        if (fits(p, cell)) {
          uint8_t* at = add_cell(p, cell);
          put4(at, e.child);
          std::memcpy(put_size(at + 4, e.size), arena.data() + e.offset, e.size);
          ++k;
          continue;
        }
        if (k + 1 == last) {
          // The next page would have the last child alone: this one ends a child earlier.
          uint32_t child, offset, size;
          pop_cell(p, up_arena, offset, size, &child);
          right.push_back(child);
          up.push_back({0, offset, size});
          j = k;
        } else {
          right.push_back(e.child);
          up.push_back({0, static_cast<uint32_t>(up_arena.size()), e.size});
          up_arena.insert(up_arena.end(), arena.begin() + e.offset, arena.begin() + e.offset + e.size);
          j = k + 1;
        }
        break;
      }
    }
    if (pages.size() == 1) {
      close(pages[0], false, right[0]);
      write(root_, pages[0]);
      return highest;
    }
    for (size_t n = 0; n < pages.size(); ++n) {
      close(pages[n], false, right[n]);
      uint32_t number = take_number();
      highest = number;
      write(number, pages[n]);
      up[n].child = number;
    }
    level = std::move(up);
    arena = std::move(up_arena);
  }
}

}  // namespace mimicom
