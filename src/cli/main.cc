#include <cstdio>
int main() { std::puts("newsmirror"); return 0; }
