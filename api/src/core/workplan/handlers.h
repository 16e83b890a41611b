/* The work plan's request handlers (registered with their access rules in routes.c) and the
 * few functions they share across files. */
#ifndef LGVO_CORE_WORKPLAN_HANDLERS_H
#define LGVO_CORE_WORKPLAN_HANDLERS_H

struct req;

enum workplan_item { WORKPLAN_SUBGOAL, WORKPLAN_ACTIVITY, WORKPLAN_MEASURE_ITEM };

/* Replies with one item as GET shows it. ref: an id, or a key in period_id (may be NULL for
 * an id); lang "sv" or "en". */
void workplan_reply_item(struct req *r, enum workplan_item kind, const char *ref,
                         const char *period_id, const char *lang, int status);

/* periods.c */
void workplan_list_periods(struct req *r, void *ctx);
void workplan_create_period(struct req *r, void *ctx);
/* diagram.c */
void workplan_get_diagram(struct req *r, void *ctx);
/* items.c */
void workplan_get_subgoal(struct req *r, void *ctx);
void workplan_get_activity(struct req *r, void *ctx);
void workplan_get_measure_item(struct req *r, void *ctx);
/* edit_subgoals.c, edit_activities.c, edit_measure_items.c */
void workplan_create_subgoal(struct req *r, void *ctx);
void workplan_update_subgoal(struct req *r, void *ctx);
void workplan_create_activity(struct req *r, void *ctx);
void workplan_update_activity(struct req *r, void *ctx);
void workplan_create_measure_item(struct req *r, void *ctx);
void workplan_update_measure_item(struct req *r, void *ctx);
/* pdsa_write.c, pdsa_read.c */
void workplan_create_pdsa(struct req *r, void *ctx);
void workplan_advance_pdsa(struct req *r, void *ctx);
void workplan_join_pdsa(struct req *r, void *ctx);
void workplan_get_pdsa(struct req *r, void *ctx);
void workplan_list_pdsa(struct req *r, void *ctx);
/* progress.c */
void workplan_get_progress(struct req *r, void *ctx);
/* primary_care.c */
void workplan_get_primary_care_plan(struct req *r, void *ctx);
/* agreements_read.c, agreements_write.c */
void workplan_list_agreements(struct req *r, void *ctx);
void workplan_get_agreement(struct req *r, void *ctx);
void workplan_create_agreement(struct req *r, void *ctx);
void workplan_update_agreement(struct req *r, void *ctx);
void workplan_report_follow_up(struct req *r, void *ctx);

#endif
