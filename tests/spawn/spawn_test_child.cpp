// A program the spawn tests start with respawn::spawn (by path, not
// spawn_self): it does what argv[1] says (child_modes.cpp).
#include "payload.hpp"

int main(int argc, char** argv) { return spawn_test::child_main(argc, argv); }
