/*
 * `tjconv new-plugin NAME [--exporter] [--dir DIR]`: writes a new plugin
 * folder from the installed SDK examples (see new_plugin.c).
 */
#ifndef TJ_CORE_NEW_PLUGIN_H
#define TJ_CORE_NEW_PLUGIN_H

/* argv[0] is "new-plugin".  Returns the exit code: 0, 1 (failed, the error
 * chain printed), 2 (usage). */
int tj_new_plugin_main(int argc, char **argv);

#endif
