// A YAML document as a tree that remembers where every value came from (file, line, column),
// so that validation errors can point at the exact spot even after `extends:` merges and `--set`.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace povsim {

// Where a value was written: a file position, or a command-line override.
struct SourceMark {
  std::shared_ptr<const std::string> origin;  // file path or e.g. "--set seed=3"
  int line = 0;                               // 1-based; 0 when not a file position
  int column = 0;                             // 1-based

  std::string str() const;  // "file.yaml:12:5" or the origin alone
};

// Limits on a scenario file, so that a small hostile file cannot exhaust memory or the stack
// (docs/scenarios.md lists them). Each is far above what a real scenario needs: baseline.yaml is
// about 20 KB, some 700 nodes and 5 levels deep, and extends at most one file.
inline constexpr std::size_t kMaxScenarioFileBytes = std::size_t{1} << 20;  // checked before parsing
// YAML nodes after alias expansion (every use of an alias counts as a copy), over the whole
// extends chain: this is what bounds a "billion laughs" alias chain.
inline constexpr std::size_t kMaxScenarioNodes = 100000;
inline constexpr int kMaxScenarioDepth = 64;    // nesting of maps and lists, and --set path components
inline constexpr int kMaxExtendsChain = 32;     // files in one extends chain, the scenario included
inline constexpr std::size_t kMaxEchoedBytes = 200;  // of a value or key quoted in an error message

// `text` made safe to quote inside a one-line error message: line breaks, NUL and other control
// bytes and bytes that are not UTF-8 are shown as escapes (\n, \0, \xff), and anything past
// `max_bytes` is cut, with the full length said. Every error must stay one line on stderr.
std::string one_line(std::string_view text, std::size_t max_bytes = kMaxEchoedBytes);

// Bad input: the message is complete ("file:line:col: a.b.c: expected ..., got ...").
// The constructor passes the message through one_line (with a generous cap) as a last guard, so
// that no message can span several lines whatever a caller echoed into it.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message);
};

class ConfigNode {
 public:
  enum class Kind { null, scalar, map, sequence };
  struct Entry;  // a map entry: key, where the key was written, value

  ConfigNode() = default;
  static ConfigNode make_scalar(std::string text, SourceMark mark);
  static ConfigNode make_map(SourceMark mark);
  static ConfigNode make_sequence(SourceMark mark);
  static ConfigNode make_null(SourceMark mark);  // an explicit empty value (`key:` or `key: ~`)

  Kind kind() const { return kind_; }
  bool is_map() const { return kind_ == Kind::map; }
  bool is_scalar() const { return kind_ == Kind::scalar; }
  bool is_sequence() const { return kind_ == Kind::sequence; }
  bool is_null() const { return kind_ == Kind::null; }
  const std::string& scalar() const { return scalar_; }
  const SourceMark& mark() const { return mark_; }

  // Map access; entries keep file order.
  const std::vector<Entry>& entries() const { return entries_; }
  const ConfigNode* find(std::string_view key) const;
  ConfigNode* find(std::string_view key);
  ConfigNode& set(std::string key, ConfigNode value, SourceMark key_mark = {});
  bool erase(std::string_view key);

  const std::vector<ConfigNode>& items() const { return items_; }
  void push_back(ConfigNode value);  // defined out of line: Entry is incomplete here (clang)

  // Deep merge: maps merge key by key, anything else in `overlay` replaces this node.
  void merge_from(const ConfigNode& overlay);

 private:
  Kind kind_ = Kind::null;
  std::string scalar_;
  SourceMark mark_;
  std::vector<Entry> entries_;
  std::vector<ConfigNode> items_;
};

struct ConfigNode::Entry {
  std::string key;
  SourceMark key_mark;
  ConfigNode value;
};

// Parses YAML text holding at most one document (none gives a null node); `origin` names it in
// error messages. Throws ConfigError on syntax errors, a second document, text that is not UTF-8,
// control characters, alias cycles, and trees past kMaxScenarioNodes or kMaxScenarioDepth.
ConfigNode parse_yaml(const std::string& text, const std::string& origin);

// Reads a scenario file and follows `extends: other.yaml` (relative to the including file)
// recursively; the including file's keys override the extended file's. Each file must be a regular
// file of at most kMaxScenarioFileBytes holding exactly one YAML map. Cycles, missing or empty
// targets and chains longer than kMaxExtendsChain are errors naming the `extends` key's position.
ConfigNode load_yaml_with_extends(const std::string& path);

// Applies `a.b.c=value`: replaces (or creates) the scalar at that path. Throws ConfigError when the
// assignment is malformed, the path runs through a non-map or has more than kMaxScenarioDepth
// components, or the value is not UTF-8.
void apply_override(ConfigNode& root, std::string_view assignment);

// Emits the tree as block-style YAML.
std::string to_yaml(const ConfigNode& root);

}  // namespace povsim
