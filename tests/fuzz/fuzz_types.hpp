// The root types the fuzz targets and the reliability tests load: together they
// reach every kind of value the archive reads (strings, ordered and unordered
// containers, owning, shared and raw pointers, polymorphic pointers, variant,
// optional, recursion by value and through pointers, lazy and excluded fields,
// a field added in a later version) plus the tests' sample graph.
#pragma once

#include <array>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <forward_list>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "respawn/respawn.hpp"
#include "sample_graph.hpp"

namespace respawn_fuzz {

enum class Color : std::uint8_t { red, green, blue };

// A value type, held by value, through shared_ptr and inside a variant.
struct Leaf {
  std::string text;
  std::int32_t number = 0;
  std::optional<double> weight;
  Color color = Color::red;
  std::vector<std::uint8_t> bytes;  // added in version 2
};

struct Shape {
  virtual ~Shape() = default;
  std::string name;
};

struct Circle : Shape {
  double radius = 0;
};

struct Square : Shape {
  std::int32_t side = 0;
  Shape* neighbour = nullptr;  // non-owning, into Graph::shapes
};

// Nests through owning pointers; links go anywhere in the graph.
struct Node {
  std::uint64_t id = 0;
  std::string name;
  std::vector<std::unique_ptr<Node>> children;
  Node* parent = nullptr;
  std::vector<Node*> links;
  std::shared_ptr<Leaf> leaf;
  std::variant<std::monostate, std::int64_t, std::string, Leaf> value;
  std::optional<std::vector<std::uint16_t>> numbers;
};

struct Graph {
  std::string title;
  std::map<std::string, std::vector<std::int32_t>> table;
  std::set<std::string> tags;
  std::vector<std::unique_ptr<Node>> roots;
  std::vector<Node*> index;
  Node* focus = nullptr;
  std::shared_ptr<Leaf> first;
  std::shared_ptr<Leaf> second;
  std::unique_ptr<Shape> shape;
  std::vector<std::unique_ptr<Shape>> shapes;
  std::deque<Leaf> queue;
  std::list<std::string> log;
  std::vector<bool> flags;
  std::array<std::uint16_t, 3> triple{};
  std::tuple<std::int32_t, std::string, double> record;
  std::pair<std::string, Color> pair;
  std::chrono::milliseconds timeout{0};
  std::optional<std::string> note;
  respawn::lazy<std::size_t> node_count;
  std::mutex lock;
};

std::size_t count_nodes(const Graph& graph);

// No pointers: comparable with ==, whatever order its unordered containers hold.
struct Bag {
  std::unordered_map<std::string, std::int64_t> counts;
  std::unordered_set<std::uint32_t> ids;
  std::multimap<std::int32_t, std::string> events;
  std::multiset<std::string> words;
  std::forward_list<std::int16_t> stack;
  std::bitset<70> bits;
  std::filesystem::path where;
  std::map<std::int32_t, std::set<std::int32_t>> groups;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::int64_t> samples;  // not double: a NaN would not equal itself
  std::u16string wide;
  std::string blob;
  bool operator==(const Bag&) const = default;
};

// Recursion by value: nesting depth costs 8 bytes of payload per level.
struct Tree {
  std::string label;
  std::vector<Tree> kids;
  bool operator==(const Tree&) const = default;
};

// Builders for seeds and tests: `size` scales the state, `variant` changes it.
std::unique_ptr<Graph> make_graph(std::size_t size, int variant = 0);
std::unique_ptr<Bag> make_bag(std::size_t size, int variant = 0);
std::unique_ptr<Tree> make_tree(std::size_t depth, std::size_t fanout);

}  // namespace respawn_fuzz

template <>
struct respawn::policy<respawn_fuzz::Leaf> {
  static constexpr unsigned version = 2;
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&respawn_fuzz::Leaf::text, "text"),
                      respawn::serialize(&respawn_fuzz::Leaf::number, "number"),
                      respawn::serialize(&respawn_fuzz::Leaf::weight, "weight"),
                      respawn::serialize(&respawn_fuzz::Leaf::color, "color"),
                      respawn::serialize(&respawn_fuzz::Leaf::bytes, "bytes").since(2));
};

template <>
struct respawn::policy<respawn_fuzz::Shape> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&respawn_fuzz::Shape::name, "name"));
};

template <>
struct respawn::policy<respawn_fuzz::Circle> {
  static constexpr auto fields = respawn::fields(respawn::base<respawn_fuzz::Shape>(),
                                                 respawn::serialize(&respawn_fuzz::Circle::radius, "radius"));
};

template <>
struct respawn::policy<respawn_fuzz::Square> {
  static constexpr auto fields = respawn::fields(
      respawn::base<respawn_fuzz::Shape>(), respawn::serialize(&respawn_fuzz::Square::side, "side"),
      respawn::serialize(&respawn_fuzz::Square::neighbour, "neighbour"));
};

template <>
struct respawn::policy<respawn_fuzz::Node> {
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&respawn_fuzz::Node::id, "id"),
                      respawn::serialize(&respawn_fuzz::Node::name, "name"),
                      respawn::serialize(&respawn_fuzz::Node::children, "children"),
                      respawn::serialize(&respawn_fuzz::Node::parent, "parent"),
                      respawn::serialize(&respawn_fuzz::Node::links, "links"),
                      respawn::serialize(&respawn_fuzz::Node::leaf, "leaf"),
                      respawn::serialize(&respawn_fuzz::Node::value, "value"),
                      respawn::serialize(&respawn_fuzz::Node::numbers, "numbers"));
};

template <>
struct respawn::policy<respawn_fuzz::Graph> {
  using G = respawn_fuzz::Graph;
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&G::title, "title"), respawn::serialize(&G::table, "table"),
                      respawn::serialize(&G::tags, "tags"), respawn::serialize(&G::roots, "roots"),
                      respawn::serialize(&G::index, "index"), respawn::serialize(&G::focus, "focus"),
                      respawn::serialize(&G::first, "first"), respawn::serialize(&G::second, "second"),
                      respawn::serialize(&G::shape, "shape"), respawn::serialize(&G::shapes, "shapes"),
                      respawn::serialize(&G::queue, "queue"), respawn::serialize(&G::log, "log"),
                      respawn::serialize(&G::flags, "flags"), respawn::serialize(&G::triple, "triple"),
                      respawn::serialize(&G::record, "record"), respawn::serialize(&G::pair, "pair"),
                      respawn::serialize(&G::timeout, "timeout"), respawn::serialize(&G::note, "note"),
                      respawn::recompute(&G::node_count, "node_count", &respawn_fuzz::count_nodes),
                      respawn::exclude(&G::lock, "lock"));
};

template <>
struct respawn::policy<respawn_fuzz::Bag> {
  using B = respawn_fuzz::Bag;
  static constexpr auto fields =
      respawn::fields(respawn::serialize(&B::counts, "counts"), respawn::serialize(&B::ids, "ids"),
                      respawn::serialize(&B::events, "events"), respawn::serialize(&B::words, "words"),
                      respawn::serialize(&B::stack, "stack"), respawn::serialize(&B::bits, "bits"),
                      respawn::serialize(&B::where, "where"), respawn::serialize(&B::groups, "groups"),
                      respawn::serialize(&B::rows, "rows"), respawn::serialize(&B::samples, "samples"),
                      respawn::serialize(&B::wide, "wide"), respawn::serialize(&B::blob, "blob"));
};

template <>
struct respawn::policy<respawn_fuzz::Tree> {
  static constexpr auto fields = respawn::fields(respawn::serialize(&respawn_fuzz::Tree::label, "label"),
                                                 respawn::serialize(&respawn_fuzz::Tree::kids, "kids"));
};
