// The ops a Ring holds, by the id JS gave each (a small integer JS reuses once the op has
// settled, see src/slots.ts): a vector indexed by id, and a free list of Op objects to reuse.
//
// Both the id and the Op object are reused at once, so neither may name an op to the kernel:
// a cancel the kernel handles later (or one that waited for room in the queue) would hit the
// op that took the slot. Each op gets a tag, its user_data, that is never reused:
//
//   bit 63      0 (1 marks a cancel's own user_data, see uring_backend.cc)
//   bits 24-62  generation: counts every Add() of this table (2^39 ops before it wraps)
//   bits 0-23   id
//
// A tag resolves to its op only while that op holds the slot (Resolve checks the whole tag).
// Measured on 4 KiB reads at depth 32, a hash map node and an Op allocation per read, and
// their frees, were a visible part of each read's CPU time.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "op.h"

namespace corelane_uring {

class OpTable {
 public:
  OpTable() = default;
  OpTable(const OpTable&) = delete;
  OpTable& operator=(const OpTable&) = delete;
  ~OpTable() {
    for (Op* op : free_) delete op;
  }

  // A fresh op stored under `id`, or null when the id is in use (or absurdly large).
  Op* Add(uint32_t id) {
    if (id >= kMaxId) return nullptr;
    if (id >= slots_.size()) slots_.resize(static_cast<size_t>(id) + 1, nullptr);
    if (slots_[id] != nullptr) return nullptr;
    Op* op;
    if (free_.empty()) {
      op = new Op();
    } else {
      op = free_.back();
      free_.pop_back();
    }
    op->id = id;
    generation_ = (generation_ + 1) & kGenerationMask;
    op->tag = (generation_ << kIdBits) | id;
    slots_[id] = op;
    live_++;
    return op;
  }

  // The op under `id`, or null.
  Op* Find(uint32_t id) const { return id < slots_.size() ? slots_[id] : nullptr; }

  // The op `tag` was given to, or null once that op is gone (whatever holds its slot now).
  Op* Resolve(uint64_t tag) const {
    Op* op = Find(static_cast<uint32_t>(tag & kIdMask));
    return op != nullptr && op->tag == tag ? op : nullptr;
  }

  // Calls f(op) for every op held.
  template <typename F>
  void ForEach(F f) const {
    for (Op* op : slots_) {
      if (op != nullptr) f(op);
    }
  }

  // Frees slot `id`; its op is reset for reuse. Only once the kernel / the pool let go of it.
  void Remove(uint32_t id) {
    Op* op = Find(id);
    if (op == nullptr) return;
    slots_[id] = nullptr;
    live_--;
    op->Reset();  // drops its memory, references and paths now, on the ring's thread
    if (free_.size() < kMaxFree) {
      free_.push_back(op);
    } else {
      delete op;
    }
  }

  bool empty() const { return live_ == 0; }

  // Forgets every op still held without freeing it: the kernel never gave them back, and may
  // still write into their memory.
  void Abandon() {
    slots_.clear();
    live_ = 0;
  }

 private:
  static constexpr unsigned kIdBits = 24;
  static constexpr uint32_t kMaxId = 1u << kIdBits;
  static constexpr uint64_t kIdMask = kMaxId - 1;
  static constexpr uint64_t kGenerationMask = (uint64_t{1} << (63 - kIdBits)) - 1;
  uint64_t generation_ = 0;
  static constexpr size_t kMaxFree = 1024;
  std::vector<Op*> slots_;
  std::vector<Op*> free_;
  size_t live_ = 0;
};

}  // namespace corelane_uring
