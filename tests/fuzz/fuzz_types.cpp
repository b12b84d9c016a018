#include "fuzz/fuzz_types.hpp"

RESPAWN_REGISTER(respawn_fuzz::Circle, "fuzz.circle")
RESPAWN_REGISTER(respawn_fuzz::Square, "fuzz.square")

namespace respawn_fuzz {

namespace {

std::size_t count_below(const Node& node) {
  std::size_t count = 1;
  for (const auto& child : node.children) {
    if (child) count += count_below(*child);
  }
  return count;
}

}  // namespace

std::size_t count_nodes(const Graph& graph) {
  std::size_t count = 0;
  for (const auto& root : graph.roots) {
    if (root) count += count_below(*root);
  }
  return count;
}

std::unique_ptr<Graph> make_graph(std::size_t size, int variant) {
  auto graph = std::make_unique<Graph>();
  graph->title = "graph " + std::to_string(size) + "/" + std::to_string(variant);
  graph->table["empty"] = {};
  graph->table["primes"] = {2, 3, 5, 7, 11, -13};
  graph->tags = {"alpha", "beta", "gamma"};
  graph->first = std::make_shared<Leaf>();
  graph->first->text = "shared leaf";
  graph->first->weight = 0.5;
  graph->first->bytes = {1, 2, 3};
  graph->second = variant % 2 == 0 ? graph->first : std::make_shared<Leaf>();
  for (std::size_t r = 0; r < 2 + size / 8; ++r) {
    auto root = std::make_unique<Node>();
    root->id = r * 100;
    root->name = "root-" + std::to_string(r);
    root->value = static_cast<std::int64_t>(r) - 3;
    for (std::size_t c = 0; c < size % 5 + 1; ++c) {
      auto child = std::make_unique<Node>();
      child->id = r * 100 + c + 1;
      child->name = "child-" + std::to_string(c);
      child->parent = root.get();
      child->leaf = c % 2 == 0 ? graph->first : nullptr;
      if (c % 3 == 1) child->value = std::string("text value");
      if (c % 3 == 2) child->value = Leaf{"in variant", 7, std::nullopt, Color::blue, {}};
      child->numbers = std::vector<std::uint16_t>{1, 2, static_cast<std::uint16_t>(c)};
      graph->index.push_back(child.get());
      root->children.push_back(std::move(child));
    }
    graph->index.push_back(root.get());
    graph->roots.push_back(std::move(root));
  }
  graph->roots.front()->links = {graph->index.back(), nullptr, graph->index.front()};
  graph->focus = graph->index[graph->index.size() / 2];
  auto circle = std::make_unique<Circle>();
  circle->name = "circle";
  circle->radius = 1.25;
  auto square = std::make_unique<Square>();
  square->name = "square";
  square->side = 4;
  square->neighbour = circle.get();
  graph->shapes.push_back(std::move(circle));
  graph->shapes.push_back(nullptr);
  graph->shapes.push_back(std::move(square));
  auto lone = std::make_unique<Square>();
  lone->name = "lone";
  lone->neighbour = graph->shapes.front().get();
  graph->shape = std::move(lone);
  graph->queue.push_back(Leaf{"queued", -1, 2.0, Color::green, {9}});
  graph->log = {"started", "stopped"};
  graph->flags = {true, false, true, true};
  graph->triple = {1, 2, static_cast<std::uint16_t>(variant)};
  graph->record = {42, "record", -0.25};
  graph->pair = {"pair", Color::blue};
  graph->timeout = std::chrono::milliseconds(1500);
  if (variant % 3 == 0) graph->note = "a note";
  return graph;
}

std::unique_ptr<Bag> make_bag(std::size_t size, int variant) {
  auto bag = std::make_unique<Bag>();
  for (std::size_t i = 0; i < size; ++i) {
    bag->counts["count-" + std::to_string(i)] = static_cast<std::int64_t>(i * i) - variant;
    bag->ids.insert(static_cast<std::uint32_t>(i * 2654435761u));
    bag->events.emplace(static_cast<std::int32_t>(i % 3), "event " + std::to_string(i));
    bag->words.insert(i % 2 == 0 ? "even" : "odd");
    bag->stack.push_front(static_cast<std::int16_t>(i));
    bag->groups[static_cast<std::int32_t>(i % 4)].insert(static_cast<std::int32_t>(i));
    bag->samples.push_back(static_cast<std::int64_t>(i * 1000003) - 7);
  }
  bag->bits.set(0).set(9).set(69);
  bag->where = "/var/lib/respawn/state." + std::to_string(variant);
  bag->rows = {{"a", "b"}, {}, {"c"}};
  bag->wide = u"wide \u00e9";
  bag->blob = std::string(size, static_cast<char>('a' + variant % 26));
  return bag;
}

std::unique_ptr<Tree> make_tree(std::size_t depth, std::size_t fanout) {
  auto tree = std::make_unique<Tree>();
  Tree* level = tree.get();
  for (std::size_t d = 0; d < depth; ++d) {
    level->label = "level " + std::to_string(d);
    level->kids.resize(fanout);
    for (std::size_t k = 1; k < fanout; ++k) level->kids[k].label = "leaf";
    level = &level->kids.front();
  }
  level->label = "bottom";
  return tree;
}

}  // namespace respawn_fuzz
