#pragma once
// Names the calling thread as `top -H`, perf and gdb show it (Linux keeps 15 bytes of it).
#include <pthread.h>

#include <string>

namespace mimicom {

inline void name_this_thread(std::string name) {
  if (name.size() > 15) name.resize(15);
  pthread_setname_np(pthread_self(), name.c_str());
}

}  // namespace mimicom
