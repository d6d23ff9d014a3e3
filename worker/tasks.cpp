#include "worker/tasks.hpp"

namespace mimicom {

std::map<std::string, Task> all_tasks(const TaskSettings& settings) {
  return {{"import", [settings](JobContext& c) { return run_import(c, settings); }},
          {"export", [settings](JobContext& c) { return run_export(c, settings); }},
          {"segmentation", [settings](JobContext& c) { return run_segmentation(c, settings); }}};
}

}  // namespace mimicom
