/* placeholder */
#include "model.h"
int an_parse_yaml(struct an_set *set, const char *file, struct an_err *err)
{
	(void)set;
	an_errf(err, file, 0, "YAML analyses are not supported yet");
	return -1;
}
