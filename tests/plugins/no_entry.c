/*
 * Test plugin "no_entry": a perfectly good shared object that is not a
 * tjconv plugin (no tj_plugin_entry symbol).  The loader skips it with a
 * "not a tjconv plugin" notice instead of failing.
 */
#include "tjconv/plugin.h"

TJ_EXPORT int some_other_library_function(int x);

TJ_EXPORT int some_other_library_function(int x)
{
	return x + 1;
}
