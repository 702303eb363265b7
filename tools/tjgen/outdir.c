/*
 * Output directory handling for tjgen: create it, or accept an existing empty
 * directory; refuse anything else so a trace is never mixed with other files.
 */
#include "tjgen.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static int tjg_dir_is_empty(const char *dir, bool *empty)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		tjg_error_append("cannot open directory '%s': %s", dir, strerror(errno));
		return TJG_ERR;
	}
	*empty = true;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			*empty = false;
			break;
		}
	}
	closedir(d);
	return TJG_OK;
}

int tjg_outdir_prepare(const char *dir)
{
	struct stat st;
	bool empty;

	if (mkdir(dir, 0755) == 0)
		return TJG_OK;
	if (errno != EEXIST) {
		tjg_error_append("cannot create output directory '%s': %s", dir, strerror(errno));
		return TJG_ERR;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		tjg_error_append("output path '%s' exists and is not a directory", dir);
		return TJG_ERR;
	}
	if (tjg_dir_is_empty(dir, &empty) != TJG_OK)
		return TJG_ERR;
	if (!empty) {
		tjg_error_append("output directory '%s' is not empty", dir);
		return TJG_ERR;
	}
	return TJG_OK;
}
