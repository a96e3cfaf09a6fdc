#include <cstdio>
int main() { std::puts("facegate: CLI under construction"); return 0; }
