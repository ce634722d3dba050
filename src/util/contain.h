// One unit of work (a feed entry, a page, an archived article) failing alone.
//
// Contain runs `work` and turns what it throws (std::bad_alloc for an
// allocation too large or a parse over its memory budget, a library's own
// exception) into a Status naming the cause: kTooLarge for memory, kInternal
// otherwise. newsmirror itself throws nothing on purpose; this is where what a
// library or the allocator throws stops, so the caller reports that one unit
// and goes on with the others. `work` returns void or a Status.
#pragma once

#include <exception>
#include <new>
#include <string>
#include <type_traits>

#include "util/status.h"

namespace nm {

template <class F>
Status Contain(F&& work) {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
      work();
      return Status::Ok();
    } else {
      return work();
    }
  } catch (const std::bad_alloc&) {
    return Status::TooLarge("out of memory (an allocation too large)");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected error: ") + e.what());
  } catch (...) {
    return Status::Internal("unexpected error");
  }
}

}  // namespace nm
